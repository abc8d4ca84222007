import { isLanternError } from '../errors.js';
import { agreementsCommands } from './agreements/commands.js';
import { casesCommands } from './cases/commands.js';
import { inspectionCommands } from './inspection/commands.js';
import { integrityCommands } from './integrity/commands.js';
import { classroomCommands } from './classroom/commands.js';
import { defineCommand, type CliCommand, type CliIO, type CommandEntry } from './command.js';
import { configCommands } from './config/commands.js';
import { consentsCommands } from './consents/commands.js';
import { digestCommands } from './digest/commands.js';
import { directoryCommands } from './directory/commands.js';
import { monitorCommands } from './monitor/commands.js';
import { opsCommands } from './ops/commands.js';
import { parentsCommands } from './parents/commands.js';
import { recordsCommands } from './records/commands.js';
import { teamsCommands } from './teams/commands.js';

/** Loads a command's module only when that command runs, so `lantern scan` does not pay for googleapis. */
type CommandLoader = () => Promise<CliCommand>;

const serveEntry = defineCommand({
  summary: 'Start the Lantern server (the demo school when no config file is given)',
  usage: 'lantern serve [--config FILE]',
  options: { config: 'value' },
  load: async () => (await import('./serve.js')).serve,
});

/** Every `lantern` sub-command, keyed by the words that name it, in the order the help screen lists them. */
export const COMMAND_TABLE: Readonly<Record<string, CommandEntry>> = {
  serve: serveEntry,
  ...configCommands,
  // The monitoring commands that read logs come first, then directory sync, then the tuning commands.
  ...pick(monitorCommands, 'scan', 'monitor backfill', 'monitor status'),
  ...directoryCommands,
  ...monitorCommands,
  ...teamsCommands,
  ...digestCommands,
  ...casesCommands,
  ...classroomCommands,
  ...parentsCommands,
  ...consentsCommands,
  ...agreementsCommands,
  ...recordsCommands,
  ...opsCommands,
  ...integrityCommands,
  ...inspectionCommands,
};

function pick(table: Readonly<Record<string, CommandEntry>>, ...names: string[]): Record<string, CommandEntry> {
  return Object.fromEntries(names.map((name) => [name, table[name] as CommandEntry]));
}

/** Each command's loader; a command's module is imported only when it is loaded. */
export const CLI_COMMANDS: Readonly<Record<string, CommandLoader>> = Object.fromEntries(Object.entries(COMMAND_TABLE).map(([name, entry]) => [name, () => entry.load()]));

/** The help text, from the table alone: no command module is loaded. */
export async function helpText(): Promise<string> {
  const commands = Object.values(COMMAND_TABLE);
  const width = Math.max(...commands.map((c) => c.usage.length));
  const lines = commands.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`);
  return ['Lantern — online-safety assistant for schools', '', 'Usage:', ...lines, '', 'Run `lantern COMMAND --help` for details.'].join('\n');
}

/** Finds the longest run of leading words that names a command. */
export function resolveCommand(argv: readonly string[]): { entry: CommandEntry; args: readonly string[] } | undefined {
  for (let n = Math.min(argv.length, 3); n > 0; n--) {
    const entry = COMMAND_TABLE[argv.slice(0, n).join(' ')];
    if (entry) return { entry, args: argv.slice(n) };
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
  if (found.args.includes('--help') || found.args.includes('-h')) {
    io.out(`${found.entry.usage}\n\n${found.entry.summary}`);
    return 0;
  }
  const command = await found.entry.load();
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
