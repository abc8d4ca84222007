import type { FnmWindow } from '../../records/weekly.js';
import { noData, ok, type AnnualReviewData, type FilterChecksData, type Section } from '../types.js';
import type { SourceContext } from './context.js';

const DAY = 86_400_000;

/** Where the annual review comes from: a stored review (`lantern fnm review`), else the older config date. */
export const ANNUAL_REVIEW_SOURCE = { command: 'lantern fnm review', configKey: 'schools[].digest.annualReviewDate' } as const;

function dueAfter(last: Date): Date {
  const due = new Date(last);
  due.setUTCFullYear(due.getUTCFullYear() + 1);
  return due;
}

/** D2: when the annual filtering and monitoring review is due; overdue (red) past 12 months. */
export function annualReviewSection(ctx: Pick<SourceContext, 'school' | 'now'>, fnm: FnmWindow): Section<AnnualReviewData> {
  const recorded = fnm.lastReview;
  const configured = ctx.school.digest?.annualReviewDate ? new Date(`${ctx.school.digest.annualReviewDate}T00:00:00Z`) : undefined;
  // A config date later than the last stored review still counts: schools that set it before upgrading keep it.
  if (recorded && !(configured && configured > recorded.reviewedOn)) {
    const due = dueAfter(recorded.reviewedOn);
    return ok({ lastReview: recorded.reviewedOn.toISOString(), dueBy: due.toISOString(), overdue: due <= ctx.now, source: 'recorded', participants: recorded.participants, notMet: recorded.notMet, actions: recorded.actions });
  }
  if (!configured) return noData(`No annual filtering and monitoring review is recorded: record it with \`${ANNUAL_REVIEW_SOURCE.command}\` after the review.`);
  const due = dueAfter(configured);
  return ok({ lastReview: configured.toISOString(), dueBy: due.toISOString(), overdue: due <= ctx.now, source: 'config', participants: null, notMet: null, actions: null });
}

/** D2: the regular filter checks; a missed check (none within the school's interval) is red. */
export function filterChecksSection(now: Date, everyDays: number, fnm: FnmWindow): Section<FilterChecksData> {
  if (!fnm.lastCheck) return noData('No filter check has been logged: IT logs one by typing "filter check" to Lantern in Teams, or with `lantern fnm check`.');
  const missed = now.getTime() - fnm.lastCheck.checkedAt.getTime() > everyDays * DAY;
  return ok({ lastCheck: fnm.lastCheck.checkedAt.toISOString(), lastResult: fnm.lastCheck.result, everyDays, missed, inWeek: fnm.checks, failedInWeek: fnm.failed });
}
