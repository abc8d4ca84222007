import type { CaseStores } from './store.js';
import { isDuplicateKey, retryBusy } from '../db/errors.js';

const MAX_TRIES = 200;

/** The calendar year of `at` in a school's time zone (a case opened at 00:30 on 1 January is next year's). */
export function schoolYearOf(at: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric' }).format(at));
}

/** Formats a case number: NGP-2026-0042. */
export function formatCaseNumber(prefix: string, year: number, n: number): string {
  return `${prefix}-${year}-${String(n).padStart(4, '0')}`;
}

/**
 * Allocates the next case number of a school for the year. Each number is a document whose _id is
 * school:year:n, so under any concurrency a number is taken by exactly one case; a writer that loses a
 * number simply tries the next one.
 */
export async function allocateCaseNumber(
  stores: Pick<CaseStores, 'caseNumbers'>,
  school: { id: string; caseNumberPrefix: string; timezone: string },
  caseId: string,
  at: Date,
): Promise<string> {
  const year = schoolYearOf(at, school.timezone);
  const last = await stores.caseNumbers.findOne({ schoolId: school.id, year }).sort({ n: -1 }).lean<{ n: number }>();
  let n = (last?.n ?? 0) + 1;
  for (let tries = 0; tries < MAX_TRIES; tries++, n++) {
    try {
      await retryBusy(() => stores.caseNumbers.create({ _id: `${school.id}:${year}:${n}`, schoolId: school.id, year, n, caseId }));
      return formatCaseNumber(school.caseNumberPrefix, year, n);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new Error(`Could not allocate a case number for ${school.id} after ${MAX_TRIES} tries.`);
}
