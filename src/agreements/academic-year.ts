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

const DEFAULT_CALENDAR: SchoolCalendar = { start: DEFAULT_YEAR_START, timezone: 'Europe/London' };

/** Parses the config key `agreements.academicYearStart` ("MM-DD", validated by the config schema). */
export function parseYearStart(text: string | undefined): YearStart {
  const m = /^(\d{2})-(\d{2})$/.exec(text ?? '');
  return m ? { month: Number(m[1]), day: Number(m[2]) } : DEFAULT_YEAR_START;
}

/** The calendar a school's configuration describes. */
export function calendarOf(school: Pick<School, 'timezone'> & { agreements?: { academicYearStart?: string } | undefined }): SchoolCalendar {
  return { start: parseYearStart(school.agreements?.academicYearStart), timezone: school.timezone };
}

/*
 * The evidence chain, the compliance figures and the sign cards all ask "which academic year is it at this
 * school?" deep inside code that only knows a school id (from a version or a signature). Rather than thread
 * the configuration through every one of those calls (and the sign pages' and the send queue's), the
 * configuration is registered here once per process: by startLantern and by the agreements CLI. A school that
 * was never registered (a unit test) gets 1 September in Europe/London, which is the default anyway.
 */
const calendars = new Map<string, SchoolCalendar>();

/** Registers each configured school's academic calendar for this process (replacing earlier ones). */
export function registerSchoolCalendars(schools: readonly School[]): void {
  for (const school of schools) calendars.set(school.id, calendarOf(school));
}

/** The registered calendar of a school, or the default one. */
export function calendarFor(schoolId: string): SchoolCalendar {
  return calendars.get(schoolId) ?? DEFAULT_CALENDAR;
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

/** The academic year at a school (its registered start date and time zone). */
export function schoolAcademicYear(schoolId: string, at: Date): string {
  return academicYearIn(at, calendarFor(schoolId));
}

/** Cron of a school's roll-over job: 06:00 school time on the first day of the academic year. */
export function rolloverCron(school: Parameters<typeof calendarOf>[0]): string {
  const { start } = calendarOf(school);
  return `0 6 ${start.day} ${start.month} *`;
}
