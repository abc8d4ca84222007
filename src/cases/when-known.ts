/**
 * Dates and times as a member of staff gives them on a form: a date, and a time only if they know it. A date
 * without a time is kept as that date with "time not known", never as a made-up time of day.
 */

/** When something happened, as recorded: the instant, and whether the time of day was given. */
export interface RecordedWhen {
  /** With a time: that time in the school's zone. Without: midnight UTC of the date given. */
  at: Date;
  timeUnknown: boolean;
}

/** Shown in place of a time of day that nobody gave. */
export const TIME_NOT_KNOWN = 'time not known';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** The offset (ms) of `timeZone` from UTC at `at`. */
function offsetAt(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(new Date(at))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  return Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0) - Math.floor(at / 60_000) * 60_000;
}

/**
 * Reads a form's date ("YYYY-MM-DD") and optional time ("HH:MM", the school's clock). Undefined when the date
 * is missing or not a real date; a time that is missing or malformed means "time not known".
 */
export function readWhen(date: string, time: string, timeZone: string): RecordedWhen | undefined {
  const d = DATE.exec(date.trim());
  if (!d) return undefined;
  const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const midnight = Date.UTC(year, month - 1, day);
  const check = new Date(midnight);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  const t = TIME.exec(time.trim());
  if (!t) return { at: check, timeUnknown: true };
  const wall = Date.UTC(year, month - 1, day, Number(t[1]), Number(t[2]));
  // Two passes: the offset at the instant itself may differ from the first guess (a clock change that day).
  let at = wall - offsetAt(wall, timeZone);
  at = wall - offsetAt(at, timeZone);
  return { at: new Date(at), timeUnknown: false };
}

/** The day of a date-only value, e.g. "Tue 10 Mar 2026". */
export function formatDay(at: Date | string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(typeof at === 'string' ? new Date(at) : at);
}

/** The time of day alone, e.g. "09:05". */
export function formatTime(at: Date | string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(typeof at === 'string' ? new Date(at) : at);
}

/** A recorded date and time in words: "Tue 10 Mar 2026, 09:05", or "Tue 10 Mar 2026, time not known". */
export function formatRecorded(at: Date | string, timeUnknown: boolean, timeZone: string): string {
  return timeUnknown ? `${formatDay(at, 'UTC')}, ${TIME_NOT_KNOWN}` : `${formatDay(at, timeZone)}, ${formatTime(at, timeZone)}`;
}

/** Day and time apart, for a chronology's columns; a date-only value is dated in UTC, as it was stored. */
export function dayAndTime(at: Date | string, timeUnknown: boolean, timeZone: string): { day: string; time: string } {
  return timeUnknown ? { day: formatDay(at, 'UTC'), time: TIME_NOT_KNOWN } : { day: formatDay(at, timeZone), time: formatTime(at, timeZone) };
}
