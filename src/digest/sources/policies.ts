import type { PolicyReview } from '../../agreements/weekly.js';
import { noData, ok, type PoliciesData, type Section } from '../types.js';

const DAY = 86_400_000;

/** D2: policies whose latest version is past its review date. */
export function policiesSection(now: Date, reviews: PolicyReview[] | undefined): Section<PoliciesData> {
  if (!reviews) return noData('The policy library is not set up yet.');
  if (reviews.length === 0) return noData('No policies have been published in Lantern yet.');
  const overdue = reviews
    .filter((p): p is PolicyReview & { reviewDue: Date } => p.reviewDue !== null && p.reviewDue < now)
    .sort((a, b) => a.reviewDue.getTime() - b.reviewDue.getTime())
    .map((p) => ({ title: p.title, reviewDue: p.reviewDue.toISOString(), daysOverdue: Math.floor((now.getTime() - p.reviewDue.getTime()) / DAY) }));
  return ok({ total: reviews.length, overdue });
}
