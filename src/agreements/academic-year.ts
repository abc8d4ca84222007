import type { School } from '../config/load.js';

/** The month (1–12) and day the academic year starts. */
export interface YearStart {
  month: number;
  day: number;
}

/** 1 September: the start of the academic year in England, used when a school sets none. */
export const DEFAULT_YEAR_START: YearStart = { month: 9, day: 1 };

/** A school's academic calendar as far as agreements need it. */
export interface SchoolCalendar {
  start: YearStart;
  timezone: string;
}

/** Parses the config key `agreements.academicYearStart` ("MM-DD", validated by the config schema). */
export function parseYearStart(text: string | undefined): YearStart {
  const m = /^(\d{2})-(\d{2})$/.exec(text ?? '');
  return m ? { month: Number(m[1]), day: Number(m[2]) } : DEFAULT_YEAR_START;
}

/** The parts of a school's configuration its academic calendar is read from. */
export type CalendarSource = Pick<School, 'timezone'> & { agreements?: { academicYearStart?: string } | undefined };

/**
 * The calendar a school's configuration describes. Whatever needs "which academic year is it at this school?"
 * (the evidence chain, the compliance figures, the sign cards) is handed this by a caller that holds the
 * school's configuration: there is no process-wide table of calendars.
 */
export function calendarOf(school: CalendarSource): SchoolCalendar {
  return { start: parseYearStart(school.agreements?.academicYearStart), timezone: school.timezone };
}

/** The local calendar date of an instant in a time zone. */
function localParts(at: Date, timezone: string): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/**
 * The academic year an instant falls in, e.g. "2026-27" from the start day of 2026 (midnight, school time)
 * to the day before the start day of 2027.
 */
export function academicYearIn(at: Date, calendar: SchoolCalendar): string {
  const { year, month, day } = localParts(at, calendar.timezone);
  const started = month > calendar.start.month || (month === calendar.start.month && day >= calendar.start.day);
  const first = started ? year : year - 1;
  return `${first}-${String((first + 1) % 100).padStart(2, '0')}`;
}

/** Cron of a school's roll-over job: 06:00 school time on the first day of the academic year. */
export function rolloverCron(school: CalendarSource): string {
  const { start } = calendarOf(school);
  return `0 6 ${start.day} ${start.month} *`;
}
