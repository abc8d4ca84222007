import { ErrorCode, LanternError } from '../../errors.js';
import type { ChangeAuthor } from '../../monitoring/changes.js';
import type { Rule } from '../../monitoring/rule.js';
import { ALL_RULES } from '../../monitoring/rules/index.js';

/** The one positional a command takes, or a usage error naming it. */
export function onePositional(positionals: readonly string[], what: string, usage: string): string {
  if (positionals.length !== 1) {
    throw new LanternError(ErrorCode.UsageError, positionals.length === 0 ? `Name the ${what}. Usage: ${usage}` : `Give one ${what} only (got ${positionals.join(', ')}). Usage: ${usage}`);
  }
  return positionals[0] as string;
}

/** `--by` and `--reason`, both required for every change (DfE standards: who changed monitoring and why). */
export function requireAuthor(flags: { by?: string; reason?: string }, usage: string): ChangeAuthor {
  const who = flags.by?.trim() ?? '';
  const why = flags.reason?.trim() ?? '';
  if (!who) throw new LanternError(ErrorCode.UsageError, `Say who is making this change with --by NAME (your name or email); every monitoring change is recorded with who and why. Usage: ${usage}`);
  if (why.length < 3) throw new LanternError(ErrorCode.UsageError, `Say why with --reason "…" (a few words); every monitoring change is recorded with who and why. Usage: ${usage}`);
  return { who, why };
}

const UNIT_MINUTES = { m: 1, h: 60, d: 24 * 60 } as const;

/** "10m", "2h", "30d" → minutes; `flag` names the option in the error. */
export function parseSpanMinutes(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([mhd])$/.exec(value.trim().toLowerCase());
  if (!m) throw new LanternError(ErrorCode.UsageError, `${flag} must be a span such as 10m, 2h or 7d; got "${value}".`);
  return Number(m[1]) * UNIT_MINUTES[m[2] as keyof typeof UNIT_MINUTES];
}

/** Minutes as the tables show them: "10m", "2h", "1d". */
export function formatMinutes(minutes: number): string {
  if (minutes > 0 && minutes % (24 * 60) === 0) return `${minutes / (24 * 60)}d`;
  if (minutes > 0 && minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/** The rule with this id, or an error that says how to find the right one. */
export function findRule(id: string): Rule {
  const rule = ALL_RULES.find((r) => r.id === id.trim());
  if (rule) return rule;
  const near = ALL_RULES.filter((r) => r.id.startsWith(id.trim()) || r.family === id.trim() || r.id.includes(id.trim())).map((r) => r.id);
  const hint = near.length > 0 ? ` Did you mean ${near.slice(0, 4).join(', ')}?` : '';
  throw new LanternError(ErrorCode.UsageError, `There is no rule "${id}".${hint} Run \`lantern monitor rules\` to list the rule ids.`);
}

/** Pads cells into aligned columns. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}
