import { ErrorCode, LanternError } from '../errors.js';

/** An ISO 8601 week (Monday to Sunday), e.g. 2026-W47 is the week of Monday 16 November 2026. */
export interface IsoWeek {
  year: number;
  week: number;
}

const DAY_MS = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-W47". */
export function formatIsoWeek(w: IsoWeek): string {
  return `${w.year}-W${String(w.week).padStart(2, '0')}`;
}

/** Reads "2026-W47"; throws UsageError naming the expected form. */
export function parseIsoWeek(text: string): IsoWeek {
  const m = /^(\d{4})-W(\d{2})$/.exec(text.trim());
  const w = m ? { year: Number(m[1]), week: Number(m[2]) } : undefined;
  if (!w || w.week < 1 || w.week > weeksInYear(w.year)) {
    throw new LanternError(ErrorCode.UsageError, `"${text}" is not an ISO week: use the form 2026-W47 (weeks 01 to ${w ? weeksInYear(w.year) : 52}).`);
  }
  return w;
}

/** Days since 1970-01-01 of a civil (calendar) date. */
function civilDay(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

function weeksInYear(year: number): number {
  // A year has 53 ISO weeks when 28 December falls in week 53.
  return isoWeekOfDay(civilDay(year, 12, 28)).week;
}

/** The ISO week holding a civil day number. */
function isoWeekOfDay(day: number): IsoWeek {
  const date = new Date(day * DAY_MS);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date((day - weekday + 3) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((day - weekday + 3 - civilDay(year, 1, 1)) / 7) + 1;
  return { year, week };
}

/** Civil day number of the Monday that starts an ISO week. */
function mondayOf(w: IsoWeek): number {
  const jan4 = civilDay(w.year, 1, 4);
  const jan4Weekday = (new Date(jan4 * DAY_MS).getUTCDay() + 6) % 7;
  return jan4 - jan4Weekday + (w.week - 1) * 7;
}

/** The calendar date and clock time of an instant in a time zone. */
export function localParts(at: Date, timezone: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute') };
}

/** The instant when a zone's clocks show midnight at the start of a civil day (works across clock changes). */
function zonedMidnight(day: number, timezone: string): Date {
  const guess = day * DAY_MS;
  let at = guess;
  // Two passes settle the offset; UK clocks change at 01:00/02:00, never at midnight.
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(at), timezone);
    const shownAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
    at += guess - shownAsUtc;
  }
  return new Date(at);
}

/** The instant a calendar day ("2026-06-11") starts in a time zone: local midnight, so a school's day keeps its first hour. */
export function dayStartIn(date: string, timezone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return zonedMidnight(civilDay(year, month, day), timezone);
}

/** A week's bounds in a time zone: [start, end) from Monday 00:00 to the next Monday 00:00 local time. */
export interface WeekRange {
  id: string;
  week: IsoWeek;
  start: Date;
  end: Date;
  /** "16 Nov 2026": the Monday, as the subject line shows it. */
  label: string;
}

/** The bounds and label of an ISO week in `timezone`. */
export function weekRange(w: IsoWeek, timezone: string): WeekRange {
  const monday = mondayOf(w);
  const d = new Date(monday * DAY_MS);
  return {
    id: formatIsoWeek(w),
    week: w,
    start: zonedMidnight(monday, timezone),
    end: zonedMidnight(monday + 7, timezone),
    label: `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`,
  };
}

/** The ISO week holding an instant, by the zone's calendar. */
export function isoWeekAt(at: Date, timezone: string): IsoWeek {
  const p = localParts(at, timezone);
  return isoWeekOfDay(civilDay(p.year, p.month, p.day));
}

/** The week `n` weeks after `w` (negative: before). */
export function addWeeks(w: IsoWeek, n: number): IsoWeek {
  return isoWeekOfDay(mondayOf(w) + 7 * n);
}

/**
 * The week a digest sent at `at` reports: the latest complete ISO week before it (a Monday-morning digest
 * reports the week just ended). Keyed by this week, a digest is sent once however its send day is set.
 */
export function reportedWeek(at: Date, timezone: string): IsoWeek {
  return addWeeks(isoWeekAt(at, timezone), -1);
}

/** "16 Nov 2026" for an instant, by the zone's calendar. */
export function formatLocalDate(at: Date, timezone: string): string {
  const p = localParts(at, timezone);
  return `${p.day} ${MONTHS[p.month - 1]} ${p.year}`;
}
