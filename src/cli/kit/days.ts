import { dayStartIn } from '../../digest/week.js';
import { usageError } from './args.js';

/** A YYYY-MM-DD flag, checked, or a usage error naming the flag. */
export function readDay(value: string | undefined, flag: string, usage: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw usageError(`${flag} must be a date such as 2026-09-01`, usage);
  return value;
}

/** The day after a YYYY-MM-DD date, in the same form. */
function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * A --from / --to range as instants in the school's time zone: from local midnight of --from to local midnight
 * after --to (the last day is included). A school in London in summer keeps its 00:00–01:00 hour.
 */
export function schoolDayRange(days: { from?: string | undefined; to?: string | undefined }, timezone: string): { from?: Date; to?: Date } {
  return {
    ...(days.from ? { from: dayStartIn(days.from, timezone) } : {}),
    ...(days.to ? { to: dayStartIn(nextDay(days.to), timezone) } : {}),
  };
}
