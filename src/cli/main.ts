import { isLanternError } from '../errors.js';
import type { CliCommand, CliIO } from './command.js';
import { classroomPostCommand, classroomStatusCommand } from './classroom-commands.js';
import { parentsCommands } from './parents-commands.js';
import { casesCommands } from './cases-commands.js';
import { configCheckCommand } from './config-check.js';
import { agreementsCommands } from './agreements-commands.js';
import { digestPreviewCommand } from './digest-preview.js';
import { digestSendCommand } from './digest-send.js';
import { monitorBackfillCommand } from './monitor-backfill.js';
import { monitorStatusCommand } from './monitor-status.js';
import { scanCommand } from './scan.js';
import { serveCommand } from './serve.js';
import { teamsPackageCommand } from './teams-package.js';

/** Every `lantern` sub-command, keyed by the words that name it. */
export const CLI_COMMANDS: Readonly<Record<string, CliCommand>> = {
  serve: serveCommand,
  'config check': configCheckCommand,
  scan: scanCommand,
  'monitor backfill': monitorBackfillCommand,
  'monitor status': monitorStatusCommand,
  'teams package': teamsPackageCommand,
  'digest preview': digestPreviewCommand,
  'digest send': digestSendCommand,
  ...casesCommands,
  'classroom post': classroomPostCommand,
  'classroom status': classroomStatusCommand,
  ...parentsCommands,
  ...agreementsCommands,
};

function helpText(): string {
  const width = Math.max(...Object.values(CLI_COMMANDS).map((c) => c.usage.length));
  const lines = Object.values(CLI_COMMANDS).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`);
  return ['Lantern — online-safety assistant for schools', '', 'Usage:', ...lines, '', 'Run `lantern COMMAND --help` for details.'].join('\n');
}

/** Finds the longest run of leading words that names a command. */
export function resolveCommand(argv: readonly string[]): { command: CliCommand; args: readonly string[] } | undefined {
  for (let n = Math.min(argv.length, 3); n > 0; n--) {
    const command = CLI_COMMANDS[argv.slice(0, n).join(' ')];
    if (command) return { command, args: argv.slice(n) };
  }
  return undefined;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(helpText());
    return argv.length === 0 ? 2 : 0;
  }
  const found = resolveCommand(argv);
  if (!found) {
    io.err(`Unknown command "${argv.join(' ')}".\n\n${helpText()}`);
    return 2;
  }
  if (found.args.includes('--help') || found.args.includes('-h')) {
    io.out(`${found.command.usage}\n\n${found.command.summary}`);
    return 0;
  }
  try {
    return await found.command.run(found.args, io);
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
