import { isLanternError } from '../errors.js';
import type { CliCommand, CliIO } from './command.js';

/** Loads a command's module only when that command runs, so `lantern scan` does not pay for googleapis. */
type CommandLoader = () => Promise<CliCommand>;

function pick(commands: Readonly<Record<string, CliCommand>>, name: string): CliCommand {
  const command = commands[name];
  if (!command) throw new Error(`The command table names "${name}" but its module does not export it.`);
  return command;
}

/** Every `lantern` sub-command, keyed by the words that name it. */
export const CLI_COMMANDS: Readonly<Record<string, CommandLoader>> = {
  serve: async () => (await import('./serve.js')).serveCommand,
  'config check': async () => (await import('./config-check.js')).configCheckCommand,
  scan: async () => (await import('./scan.js')).scanCommand,
  'monitor backfill': async () => (await import('./monitor-backfill.js')).monitorBackfillCommand,
  'monitor status': async () => (await import('./monitor-status.js')).monitorStatusCommand,
  'directory sync': async () => (await import('./directory-sync.js')).directorySyncCommand,
  'monitor rules': async () => (await import('./monitor-rules.js')).monitorRulesCommand,
  'monitor rule set': async () => (await import('./monitor-rules.js')).monitorRuleSetCommand,
  'monitor rule reset': async () => (await import('./monitor-rules.js')).monitorRuleResetCommand,
  'monitor suppress add': async () => (await import('./monitor-suppress.js')).monitorSuppressAddCommand,
  'monitor suppress list': async () => (await import('./monitor-suppress.js')).monitorSuppressListCommand,
  'monitor suppress remove': async () => (await import('./monitor-suppress.js')).monitorSuppressRemoveCommand,
  'monitor allowlist add': async () => (await import('./monitor-allowlist.js')).monitorAllowlistAddCommand,
  'monitor allowlist remove': async () => (await import('./monitor-allowlist.js')).monitorAllowlistRemoveCommand,
  'monitor allowlist list': async () => (await import('./monitor-allowlist.js')).monitorAllowlistListCommand,
  'monitor changes': async () => (await import('./monitor-changes.js')).monitorChangesCommand,
  'teams package': async () => (await import('./teams-package.js')).teamsPackageCommand,
  'digest preview': async () => (await import('./digest-preview.js')).digestPreviewCommand,
  'digest send': async () => (await import('./digest-send.js')).digestSendCommand,
  'cases verify': async () => pick((await import('./cases-commands.js')).casesCommands, 'cases verify'),
  'cases export': async () => pick((await import('./cases-commands.js')).casesCommands, 'cases export'),
  'cases hold': async () => pick((await import('./cases-commands.js')).casesCommands, 'cases hold'),
  'cases retention': async () => pick((await import('./cases-commands.js')).casesCommands, 'cases retention'),
  'classroom post': async () => (await import('./classroom-commands.js')).classroomPostCommand,
  'classroom status': async () => (await import('./classroom-commands.js')).classroomStatusCommand,
  'parents links sync': async () => pick((await import('./parents-commands.js')).parentsCommands, 'parents links sync'),
  'parents send': async () => pick((await import('./parents-commands.js')).parentsCommands, 'parents send'),
  'parents remind': async () => pick((await import('./parents-commands.js')).parentsCommands, 'parents remind'),
  'parents status': async () => pick((await import('./parents-commands.js')).parentsCommands, 'parents status'),
  'agreements issue': async () => pick((await import('./agreements-commands.js')).agreementsCommands, 'agreements issue'),
  'agreements status': async () => pick((await import('./agreements-commands.js')).agreementsCommands, 'agreements status'),
  'agreements publish': async () => pick((await import('./agreements-commands.js')).agreementsCommands, 'agreements publish'),
  'evidence verify': async () => pick((await import('./agreements-commands.js')).agreementsCommands, 'evidence verify'),
  'evidence export': async () => pick((await import('./agreements-commands.js')).agreementsCommands, 'evidence export'),
  doctor: async () => (await import('./ops/doctor.js')).doctorCommand,
  backup: async () => (await import('./ops/backup.js')).backupCommand,
  restore: async () => (await import('./ops/restore.js')).restoreCommand,
};

/** The help text; it loads every command to read its usage line, which is fine for a help screen. */
export async function helpText(): Promise<string> {
  const commands = await Promise.all(Object.values(CLI_COMMANDS).map((load) => load()));
  const width = Math.max(...commands.map((c) => c.usage.length));
  const lines = commands.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`);
  return ['Lantern — online-safety assistant for schools', '', 'Usage:', ...lines, '', 'Run `lantern COMMAND --help` for details.'].join('\n');
}

/** Finds the longest run of leading words that names a command. */
export function resolveCommand(argv: readonly string[]): { load: CommandLoader; args: readonly string[] } | undefined {
  for (let n = Math.min(argv.length, 3); n > 0; n--) {
    const load = CLI_COMMANDS[argv.slice(0, n).join(' ')];
    if (load) return { load, args: argv.slice(n) };
  }
  return undefined;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(await helpText());
    return argv.length === 0 ? 2 : 0;
  }
  const found = resolveCommand(argv);
  if (!found) {
    io.err(`Unknown command "${argv.join(' ')}".\n\n${await helpText()}`);
    return 2;
  }
  const command = await found.load();
  if (found.args.includes('--help') || found.args.includes('-h')) {
    io.out(`${command.usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    return await command.run(found.args, io);
  } catch (err) {
    if (isLanternError(err)) {
      io.err(`Error (${err.code}): ${err.message}`);
      return 1;
    }
    throw err;
  }
}

const isMain = process.argv[1] !== undefined && /(lantern(\.js)?|cli[\\/]main\.js)$/.test(process.argv[1]);
if (isMain) {
  const io: CliIO = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    cwd: process.cwd(),
  };
  runCli(process.argv.slice(2), io).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`Lantern stopped on an unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
