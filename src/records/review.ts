import type { School } from '../config/load.js';
import type { Models } from '../stores.js';
import { invalid, optionalText, parseDay, requireText } from './input.js';
import type { PolicyReviewRecord } from './review-model.js';

/** The stores policy reviews use: their own, and the policy library to check the policy exists. */
export type ReviewStores = Pick<Models, 'policyReviewRecords' | 'agreementVersions'>;

/** A policy review to record, as typed. */
export interface PolicyReviewInput {
  policy: string | undefined;
  reviewedOn: string | undefined;
  reviewedBy: string | undefined;
  approvedBy: string | undefined;
  nextReviewDue: string | undefined;
  changed?: boolean;
  notes?: string | undefined;
  by: string | undefined;
}

/** Checks and (unless `dryRun`) stores a policy review; returns it with the policy's title. */
export async function recordPolicyReview(stores: ReviewStores, school: School, input: PolicyReviewInput, now: Date, dryRun = false): Promise<{ review: PolicyReviewRecord; title: string }> {
  const policyId = requireText(input.policy, 'The policy id (--policy)', 100);
  const version = await stores.agreementVersions.findOne({ schoolId: school.id, policyId }, { title: 1 }).sort({ number: -1 }).lean();
  if (!version) {
    const known = await stores.agreementVersions.distinct('policyId', { schoolId: school.id });
    throw invalid(`There is no policy "${policyId}" in ${school.name}'s library; use one of: ${known.join(', ') || '(none published yet)'}.`);
  }
  const reviewedOn = parseDay(input.reviewedOn, 'The review date', now);
  const nextReviewDue = parseDay(input.nextReviewDue, 'The next review date (--next)');
  if (nextReviewDue <= reviewedOn) throw invalid('The next review date must come after the review date.');
  const notes = optionalText(input.notes, 'The notes');
  const review: PolicyReviewRecord = {
    schoolId: school.id,
    policyId,
    reviewedOn,
    reviewedBy: requireText(input.reviewedBy, 'Who reviewed it (--reviewed-by)'),
    approvedBy: requireText(input.approvedBy, 'Who approved it (--approved-by, e.g. "Governors\' safeguarding committee")'),
    nextReviewDue,
    changed: input.changed ?? false,
    recordedBy: requireText(input.by, 'Who is recording it (--by)'),
    recordedAt: now,
    ...(notes ? { notes } : {}),
  };
  if (!dryRun) await stores.policyReviewRecords.create(review);
  return { review, title: version.title ?? policyId };
}

/** A school's policy reviews, newest first, optionally of one policy. */
export async function listPolicyReviews(stores: Pick<Models, 'policyReviewRecords'>, schoolId: string, policyId?: string): Promise<PolicyReviewRecord[]> {
  return stores.policyReviewRecords.find({ schoolId, ...(policyId ? { policyId } : {}) }).sort({ reviewedOn: -1 }).lean<PolicyReviewRecord[]>();
}
