import type { PolicyReview } from '../../agreements/weekly.js';
import type { PolicyReviewRecord } from '../../records/review-model.js';
import { noData, ok, type PoliciesData, type Section } from '../types.js';

const DAY = 86_400_000;

/** Reviews due within this many days are listed, so the governors' committee can plan them. */
export const POLICY_DUE_SOON_DAYS = 60;

/**
 * D2: policies past their review date, and those due soon. A recorded review (with or without a text change)
 * sets the next date; a version published later with a later review date moves it on again.
 */
export function policiesSection(now: Date, reviews: PolicyReview[] | undefined, recorded: ReadonlyMap<string, PolicyReviewRecord> = new Map()): Section<PoliciesData> {
  if (!reviews) return noData('The policy library is not set up yet.');
  if (reviews.length === 0) return noData('No policies have been published in Lantern yet.');
  const dated = reviews.flatMap((p) => {
    const review = recorded.get(p.policyId);
    const candidates = [p.reviewDue, review?.nextReviewDue].filter((d): d is Date => d instanceof Date);
    if (candidates.length === 0) return [];
    const due = new Date(Math.max(...candidates.map((d) => d.getTime())));
    return [{ title: p.title, due, lastReviewed: review ? review.reviewedOn.toISOString() : null }];
  });
  dated.sort((a, b) => a.due.getTime() - b.due.getTime());
  const soon = now.getTime() + POLICY_DUE_SOON_DAYS * DAY;
  const overdue = dated.filter((p) => p.due < now).map((p) => ({ title: p.title, reviewDue: p.due.toISOString(), daysOverdue: Math.floor((now.getTime() - p.due.getTime()) / DAY), lastReviewed: p.lastReviewed }));
  const dueSoon = dated
    .filter((p) => p.due >= now && p.due.getTime() <= soon)
    .map((p) => ({ title: p.title, reviewDue: p.due.toISOString(), daysLeft: Math.ceil((p.due.getTime() - now.getTime()) / DAY), lastReviewed: p.lastReviewed }));
  return ok({ total: reviews.length, overdue, dueSoon });
}
