import type { School } from '../config/load.js';
import { collectionExists } from '../db/collections.js';
import type { Models } from '../stores.js';
import type { FilterCheck, FnmReview } from './fnm-model.js';
import type { PolicyReviewRecord } from './review-model.js';
import { trainingStanding, type TrainingRow } from './training-standing.js';

/** The records collections the digest's reads use. */
export type RecordsWeekStores = Pick<Models, 'trainingRecords' | 'people' | 'policyReviewRecords' | 'fnmReviews' | 'filterChecks'>;

/** Training standing for the digest; undefined until the school records its first training. */
export async function trainingWeek(stores: RecordsWeekStores, school: School, now: Date): Promise<TrainingRow[] | undefined> {
  if (!(await collectionExists(stores.trainingRecords))) return undefined;
  if ((await stores.trainingRecords.countDocuments({ schoolId: school.id }).limit(1)) === 0) return undefined;
  return trainingStanding(stores, school, now);
}

/** What the digest shows of filtering and monitoring: the latest annual review, and the filter checks. */
export interface FnmWindow {
  lastReview: { reviewedOn: Date; participants: number; actions: number; notMet: number } | null;
  lastCheck: { checkedAt: Date; result: FilterCheck['result'] } | null;
  /** Checks in the window, and how many failed. */
  checks: number;
  failed: number;
}

/** The latest annual review and check up to `now` (the state when the digest is written), and the filter checks in `window`. */
export async function fnmWeek(stores: RecordsWeekStores, schoolId: string, window: { start: Date; end: Date }, now: Date): Promise<FnmWindow> {
  const [review, last, inWindow] = await Promise.all([
    stores.fnmReviews.findOne({ schoolId }).sort({ reviewedOn: -1 }).lean<FnmReview>(),
    stores.filterChecks.findOne({ schoolId, checkedAt: { $lte: now } }).sort({ checkedAt: -1 }).lean<FilterCheck>(),
    stores.filterChecks.find({ schoolId, checkedAt: { $gte: window.start, $lt: window.end } }, { result: 1 }).lean(),
  ]);
  return {
    lastReview: review ? { reviewedOn: review.reviewedOn, participants: review.participants.length, actions: review.actions.length, notMet: review.checklist.filter((c) => c.outcome !== 'met').length } : null,
    lastCheck: last ? { checkedAt: last.checkedAt, result: last.result } : null,
    checks: inWindow.length,
    failed: inWindow.filter((c) => c.result === 'fail').length,
  };
}

/** The latest recorded review of each policy: when it was reviewed, who approved it, when the next is due. */
export async function latestPolicyReviews(stores: RecordsWeekStores, schoolId: string): Promise<Map<string, PolicyReviewRecord>> {
  const all = await stores.policyReviewRecords.find({ schoolId }).lean<PolicyReviewRecord[]>();
  const latest = new Map<string, PolicyReviewRecord>();
  for (const r of all) {
    const seen = latest.get(r.policyId);
    if (!seen || r.reviewedOn > seen.reviewedOn) latest.set(r.policyId, r);
  }
  return latest;
}
