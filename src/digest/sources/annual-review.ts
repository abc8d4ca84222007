import { noData, ok, type AnnualReviewData, type Section } from '../types.js';
import type { SourceContext } from './context.js';

/**
 * ASSUMED: the date of the last annual filtering and monitoring review comes from config
 * (`schools[].digest.annualReviewDate`) until a review record is stored by another capability.
 */
export const ANNUAL_REVIEW_SOURCE = { configKey: 'schools[].digest.annualReviewDate' } as const;

/** D2: when the annual filtering and monitoring review is due; overdue (red) past 12 months. */
export async function readAnnualReview(ctx: SourceContext): Promise<Section<AnnualReviewData>> {
  const last = ctx.school.digest?.annualReviewDate;
  if (!last) return noData(`No annual filtering and monitoring review is recorded: set ${ANNUAL_REVIEW_SOURCE.configKey} after the review.`);
  const lastDate = new Date(`${last}T00:00:00Z`);
  const due = new Date(lastDate);
  due.setUTCFullYear(due.getUTCFullYear() + 1);
  return ok({ lastReview: lastDate.toISOString(), dueBy: due.toISOString(), overdue: due <= ctx.now });
}
