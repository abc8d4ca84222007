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
