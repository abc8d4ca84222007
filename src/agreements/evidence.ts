import type { Models } from '../stores.js';
import { ErrorCode, LanternError } from '../errors.js';
import { academicYearIn, type SchoolCalendar } from './academic-year.js';
import type { AgreementSignature, SignatureChannel } from './signature-model.js';
import type { AgreementVersion } from './version-model.js';
import { settleOpenRequests } from './settle-requests.js';
import { appendRecords, type Appended, type PendingRecord } from './signature-appends.js';

export { genesisHash, hashedFields, recordHash } from './signature-hash.js';

/** What a channel (Teams card, a teacher's class card, a pupil's web page, a parent link…) reports when someone signs. */
export interface SignatureInput {
  schoolId: string;
  versionId: string;
  /** personId of whoever pressed the button. */
  signerId: string;
  /** personId of the pupil (or other person) signed for, when signing on someone's behalf. */
  onBehalfOfId?: string | null;
  channel: SignatureChannel;
  /** Defaults to 'agreed'. */
  outcome?: string;
  /** Client details worth keeping as evidence (strings only): Teams locale, conversation id, user agent… */
  client?: Record<string, string>;
  campaignId?: string | null;
  /**
   * The record this one follows for the same person (a teacher unticking a pupil, or ticking them again):
   * a correction is a new record, never an edit, so its key names the record it follows.
   */
  after?: Pick<AgreementSignature, 'seq'> | null;
}

/**
 * A parent's countersignature of their child's own agreement (KS2): evidence that the parent read it with the
 * child, never the child's signature. Records with it stand outside each person's standing (see `latestBySubject`).
 */
export const COUNTERSIGNED = 'countersigned';

/** Outcomes that record something other than agreement: they keep a person (or pupil) not done. */
export const NOT_DONE_OUTCOMES: readonly string[] = ['declined', 'withdrawn', 'absent', 'question'];

/** Whether a record completes its version: an answered questionnaire, or any agreement outcome but those above. */
export function completes(version: Pick<AgreementVersion, 'kind'>, record: Pick<AgreementSignature, 'outcome'>): boolean {
  if (version.kind === 'questionnaire') return record.outcome === 'answered';
  return !NOT_DONE_OUTCOMES.includes(record.outcome);
}

/** Each person's latest record (by seq) among these: what stands for them now. A countersignature never does. */
export function latestBySubject<T extends Pick<AgreementSignature, 'seq' | 'signerId' | 'onBehalfOfId' | 'outcome'>>(records: readonly T[]): Map<string, T> {
  const latest = new Map<string, T>();
  for (const r of records) {
    if (r.outcome === COUNTERSIGNED) continue;
    const subject = r.onBehalfOfId ?? r.signerId;
    const seen = latest.get(subject);
    if (!seen || seen.seq < r.seq) latest.set(subject, r);
  }
  return latest;
}

/** The stores recordSignature needs. */
export type EvidenceStores = Pick<Models, 'integrity' | 'agreementVersions' | 'agreementSignatures' | 'agreementChainHeads' | 'agreementOpenRequests'> & Partial<Pick<Models, 'signatureAppends'>>;

/** The idempotency key of a signature: one per version, signer and person signed for. */
export function signatureKey(versionId: string, signerId: string, onBehalfOfId: string | null | undefined, period = '-'): string {
  return `${versionId}|${signerId}|${onBehalfOfId ?? '-'}|${period}`;
}

/**
 * Appends a signature to the school's evidence chain, exactly once per (version, signer, on-behalf-of):
 * a second call returns the first record with `created: false` (and writes nothing). Safe under concurrency on FerretDB
 * because the decision is a unique insert of seq n+1 (and of the key), never a conditional update. `calendar` is the
 * school's (a yearly agreement's record is kept under the academic year it was given in).
 */
export async function recordSignature(
  stores: EvidenceStores,
  input: SignatureInput,
  calendar: SchoolCalendar,
  clock: () => Date = () => new Date(),
  /** The version the caller already holds (read by id, so it is the one `input.versionId` names). */
  known?: AgreementVersion,
): Promise<Appended> {
  const version = known?._id === input.versionId ? known : await stores.agreementVersions.findById(input.versionId).lean<AgreementVersion>();
  if (!version || version.schoolId !== input.schoolId) {
    throw new LanternError(ErrorCode.AgreementNotFound, `There is no agreement version ${input.versionId} for school ${input.schoolId}; sign the current version instead.`);
  }
  const period = version.yearly ? academicYearIn(clock(), calendar) : '-';
  const outcome = input.outcome ?? 'agreed';
  const base = signatureKey(input.versionId, input.signerId, input.onBehalfOfId, period);
  // A countersignature has its own key, so a parent who also signed for the same child keeps both records.
  const key = input.after ? `${base}|${outcome}|after-${input.after.seq}` : outcome === COUNTERSIGNED ? `${base}|${COUNTERSIGNED}` : base;
  const pending: PendingRecord = {
    schoolId: input.schoolId,
    key,
    versionId: version._id,
    policyId: version.policyId,
    versionHash: version.hash,
    signerId: input.signerId,
    onBehalfOfId: input.onBehalfOfId ?? null,
    channel: input.channel,
    outcome,
    signedAt: clock(),
    client: input.client ?? {},
    campaignId: input.campaignId ?? null,
    period,
  };
  // No look-up first: the key is unique, so an insert of a signature already recorded fails and the record
  // is read then. Signatures arriving together at this instance share one append (see signature-appends.ts).
  const appended = stores.signatureAppends ? await stores.signatureAppends.append(stores, pending) : ((await appendRecords(stores, input.schoolId, [pending]))[0] as Appended);
  // The follow-up tick reads who is still to sign from the open requests, not from every record.
  if (appended.created && outcome !== COUNTERSIGNED) await settleOpenRequests(stores, appended.record, version.signGroup, completes(version, appended.record));
  return appended;
}
