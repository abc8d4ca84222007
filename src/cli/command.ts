import { CommandUsageError, parseCommandArgs, type OptionKinds, type ParsedArgs } from './kit/args.js';

/** Where a CLI command writes; injected so tests can capture output. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** One `lantern` sub-command. `run` returns the process exit code. */
export interface CliCommand {
  readonly summary: string;
  readonly usage: string;
  run(args: readonly string[], io: CliIO): Promise<number>;
}

/** What a command's body receives: its parsed arguments and its usage line. */
export interface CommandInput<O extends OptionKinds> extends ParsedArgs<O> {
  readonly usage: string;
}

/** A command's body, typed by its declared options. */
export type CommandRun<O extends OptionKinds> = (input: CommandInput<O>, io: CliIO) => Promise<number>;

/** What the help screen needs of a command, without loading it. */
export interface CommandHelp {
  readonly summary: string;
  readonly usage: string;
}

/** A command's declaration: help, options, and its body loaded on demand. */
export interface CommandSpec<O extends OptionKinds> extends CommandHelp {
  readonly options: O;
  /** Whether the command takes words besides its options (a file, a policy id, a case number). */
  readonly positionals?: boolean;
  /**
   * The cases, parents, classroom and scan commands have always reported usage mistakes as the message
   * alone with exit code 2; scripts rely on it, so they keep it. Others exit 1 with "Error (usage_error)".
   */
  readonly usageExitCode?: 2;
}

/** A row of the command table: help text, and the command loaded only when it runs. */
export interface CommandEntry extends CommandHelp {
  load(): Promise<CliCommand>;
}

/** Binds a declaration to its body: parses the arguments, then runs it. */
export function commandFrom<O extends OptionKinds>(spec: CommandSpec<O>, body: CommandRun<O>): CliCommand {
  return {
    summary: spec.summary,
    usage: spec.usage,
    async run(args, io) {
      try {
        const parsed = parseCommandArgs(args, spec.options, spec.usage, spec.positionals ?? false);
        return await body({ ...parsed, usage: spec.usage }, io);
      } catch (err) {
        if (spec.usageExitCode !== 2 || !(err instanceof CommandUsageError)) throw err;
        io.err(err.message);
        return 2;
      }
    },
  };
}

/** A table row whose body module is imported only when the command runs. */
export function defineCommand<const O extends OptionKinds>(spec: CommandSpec<O> & { load(): Promise<CommandRun<O>> }): CommandEntry {
  return { summary: spec.summary, usage: spec.usage, load: async () => commandFrom(spec, await spec.load()) };
}
