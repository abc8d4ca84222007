import { parseArgs } from 'node:util';
import { ErrorCode, LanternError } from '../../errors.js';

/** A command's options: each `--name` either takes a value or is a bare switch. */
export type OptionKinds = Readonly<Record<string, 'value' | 'bool'>>;

/** Parsed options, typed from their declaration: a value option is a string, a switch is `true`. */
export type Flags<O extends OptionKinds> = { readonly [K in keyof O]?: O[K] extends 'value' ? string : true };

/** What a command is given: its options, the words that are not options, and its usage line for messages. */
export interface ParsedArgs<O extends OptionKinds> {
  readonly flags: Flags<O>;
  readonly positionals: readonly string[];
}

/** A mistake in how a command was called (its arguments, or a school it does not know), as opposed to a failure while it ran. */
export class CommandUsageError extends LanternError {
  constructor(message: string) {
    super(ErrorCode.UsageError, message);
  }
}

/** A usage mistake, with the command's usage line so the user sees how to call it. */
export function usageError(message: string, usage: string): CommandUsageError {
  return new CommandUsageError(`${message}\nUsage: ${usage}`);
}

/**
 * Reads `--name value`, `--name=value` and bare switches against the declared options (node:util parseArgs).
 * Unknown options, missing or blank values, a value given to a switch and unexpected words are usage errors
 * that name the argument.
 */
export function parseCommandArgs<O extends OptionKinds>(args: readonly string[], options: O, usage: string, allowPositionals = false): ParsedArgs<O> {
  const declared = Object.fromEntries(Object.entries(options).map(([name, kind]) => [name, { type: kind === 'value' ? ('string' as const) : ('boolean' as const) }]));
  // Not strict: every token is checked here, so the messages can say what to do.
  const { tokens } = parseArgs({ args: [...args], options: declared, strict: false, allowPositionals: true, tokens: true });
  const flags: Record<string, string | true> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      if (!allowPositionals) throw usageError(`Unexpected argument "${token.value}".`, usage);
      positionals.push(token.value);
      continue;
    }
    const kind = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (!kind) throw usageError(`Unknown argument "${token.rawName}".`, usage);
    if (kind === 'bool') {
      if (token.value !== undefined) throw usageError(`${token.rawName} takes no value.`, usage);
      flags[token.name] = true;
      continue;
    }
    // A following option is not a value: `--by --reason x` forgot the name.
    const value = token.inlineValue ? token.value : token.value?.startsWith('--') ? undefined : token.value;
    if (value === undefined || value.trim() === '') throw usageError(`${token.rawName} needs a value.`, usage);
    flags[token.name] = value;
  }
  return { flags: flags as Flags<O>, positionals };
}
