import type { Models } from '../stores.js';
import type { ChecklistItem } from './fnm-checklist.js';
import { FILTER_CHECK_RESULTS, type FilterCheck, type FnmReview } from './fnm-model.js';
import { invalid, optionalText, parseDay, requireText } from './input.js';

/** The stores the filtering and monitoring records use. */
export type FnmStores = Pick<Models, 'fnmReviews' | 'filterChecks'>;

/** An annual review to record. */
export interface FnmReviewInput {
  reviewedOn: string | undefined;
  /** Who took part, comma-separated as typed (names and roles). */
  participants: string | undefined;
  checklist: ChecklistItem[];
  /** Agreed actions, `;`-separated as typed. */
  actions?: string | undefined;
  by: string | undefined;
}

function splitList(value: string | undefined, separator: string): string[] {
  return (value ?? '').split(separator).map((s) => s.trim()).filter(Boolean);
}

/** Checks and (unless `dryRun`) stores the annual filtering and monitoring review. */
export async function recordFnmReview(stores: FnmStores, schoolId: string, input: FnmReviewInput, now: Date, dryRun = false): Promise<FnmReview> {
  const reviewedOn = parseDay(input.reviewedOn, 'The review date', now);
  const participants = splitList(input.participants, ',');
  if (participants.length < 2) throw invalid('List at least two people who took part (--participants "Name, role; …" comma-separated): the DfE standards expect a senior leader, the DSL and IT together.');
  const actions = splitList(input.actions, ';');
  const review: FnmReview = { schoolId, reviewedOn, participants, checklist: input.checklist, actions, recordedBy: requireText(input.by, 'Who is recording it (--by)'), recordedAt: now };
  if (!dryRun) await stores.fnmReviews.create(review);
  return review;
}

/** A filter check to log. */
export interface FilterCheckInput {
  tested: string | undefined;
  result: string | undefined;
  note?: string | undefined;
  by: string | undefined;
  via: FilterCheck['via'];
}

/** Checks and (unless `dryRun`) stores one filter check, at `now`. */
export async function recordFilterCheck(stores: FnmStores, schoolId: string, input: FilterCheckInput, now: Date, dryRun = false): Promise<FilterCheck> {
  const tested = requireText(input.tested, 'What was tested (e.g. "a gambling site from a pupil laptop")', 300);
  const result = input.result?.trim().toLowerCase() ?? '';
  if (!(FILTER_CHECK_RESULTS as readonly string[]).includes(result)) throw invalid(`The result must be ${FILTER_CHECK_RESULTS.join(' or ')} (pass: the filter did what it should).`);
  const note = optionalText(input.note, 'The note');
  const check: FilterCheck = { schoolId, checkedAt: now, checkedBy: requireText(input.by, 'Who checked'), tested, result: result as FilterCheck['result'], via: input.via, ...(note ? { note } : {}) };
  if (!dryRun) await stores.filterChecks.create(check);
  return check;
}

/** The latest annual review and the most recent filter checks, newest first. */
export async function fnmHistory(stores: FnmStores, schoolId: string, checks = 10): Promise<{ reviews: FnmReview[]; checks: FilterCheck[] }> {
  const [reviews, recent] = await Promise.all([
    stores.fnmReviews.find({ schoolId }).sort({ reviewedOn: -1 }).limit(5).lean<FnmReview[]>(),
    stores.filterChecks.find({ schoolId }).sort({ checkedAt: -1 }).limit(checks).lean<FilterCheck[]>(),
  ]);
  return { reviews, checks: recent };
}
