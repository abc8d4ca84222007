import type { Models } from '../stores.js';
import { ErrorCode, LanternError } from '../errors.js';
import { sha256, stableJson } from './canonical.js';
import { academicYearIn, type SchoolCalendar } from './academic-year.js';
import type { AgreementSignature, SignatureChannel } from './signature-model.js';
import type { AgreementVersion } from './version-model.js';
import { isDuplicateKey, pauseBeforeRetry } from '../db/errors.js';
import { sealFields } from '../integrity/seal.js';
import { settleOpenRequests } from './settle-requests.js';

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
export type EvidenceStores = Pick<Models, 'integrity' | 'agreementVersions' | 'agreementSignatures' | 'agreementChainHeads' | 'agreementOpenRequests'>;

/** The hash the first record of a school's chain points back to. */
export function genesisHash(schoolId: string): string {
  return sha256(`lantern-evidence-chain:${schoolId}`);
}

/** The idempotency key of a signature: one per version, signer and person signed for. */
export function signatureKey(versionId: string, signerId: string, onBehalfOfId: string | null | undefined, period = '-'): string {
  return `${versionId}|${signerId}|${onBehalfOfId ?? '-'}|${period}`;
}

/** The fields a record's hash covers, in a stable form (dates as ISO strings). */
export function hashedFields(r: Omit<AgreementSignature, 'hash'>): Record<string, unknown> {
  return {
    schoolId: r.schoolId,
    seq: r.seq,
    key: r.key,
    versionId: r.versionId,
    policyId: r.policyId,
    versionHash: r.versionHash,
    signerId: r.signerId,
    onBehalfOfId: r.onBehalfOfId ?? null,
    channel: r.channel,
    outcome: r.outcome,
    signedAt: new Date(r.signedAt).toISOString(),
    client: r.client ?? {},
    campaignId: r.campaignId ?? null,
    period: r.period ?? '-',
    prevHash: r.prevHash,
  };
}

/** The hash of a record (everything but its own hash). */
export function recordHash(r: Omit<AgreementSignature, 'hash'>): string {
  return sha256(stableJson(hashedFields(r)));
}

const MAX_APPEND_TRIES = 100;

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
): Promise<{ record: AgreementSignature; created: boolean }> {
  const version = await stores.agreementVersions.findById(input.versionId).lean<AgreementVersion>();
  if (!version || version.schoolId !== input.schoolId) {
    throw new LanternError(ErrorCode.AgreementNotFound, `There is no agreement version ${input.versionId} for school ${input.schoolId}; sign the current version instead.`);
  }
  const period = version.yearly ? academicYearIn(clock(), calendar) : '-';
  const outcome = input.outcome ?? 'agreed';
  const base = signatureKey(input.versionId, input.signerId, input.onBehalfOfId, period);
  // A countersignature has its own key, so a parent who also signed for the same child keeps both records.
  const key = input.after ? `${base}|${outcome}|after-${input.after.seq}` : outcome === COUNTERSIGNED ? `${base}|${COUNTERSIGNED}` : base;
  // No look-up first: the key is unique, so an insert of a signature already recorded fails and the record
  // is read then (one read of the chain per signature instead of two; FerretDB scans for each).
  for (let attempt = 0; attempt < MAX_APPEND_TRIES; attempt++) {
    const tail = await stores.agreementSignatures.findOne({ schoolId: input.schoolId }).sort({ seq: -1 }).lean<AgreementSignature>();
    const unsigned: Omit<AgreementSignature, 'hash'> = {
      schoolId: input.schoolId,
      seq: (tail?.seq ?? 0) + 1,
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
      prevHash: tail?.hash ?? genesisHash(input.schoolId),
    };
    const hash = recordHash(unsigned);
    const record: AgreementSignature = { ...unsigned, hash, ...sealFields(stores.integrity, 'signatures', hash) };
    try {
      await stores.agreementSignatures.create(record);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Either this signature won elsewhere (the key) or someone else took seq n+1: look, then retry.
      const won = await stores.agreementSignatures.findOne({ schoolId: input.schoolId, key }).lean<AgreementSignature>();
      if (won) return { record: won, created: false };
      await pauseBeforeRetry(attempt + 1);
      continue;
    }
    // A cache for verify's "deleted from the end" check; a lost race leaves it one behind, which is harmless.
    await stores.agreementChainHeads.updateOne({ _id: input.schoolId, seq: { $lt: record.seq } }, { $set: { seq: record.seq, hash: record.hash } }).then(
      async (res) => {
        if (res.matchedCount === 0 && !(await stores.agreementChainHeads.exists({ _id: input.schoolId }))) {
          await stores.agreementChainHeads.create({ _id: input.schoolId, seq: record.seq, hash: record.hash }).catch((e: unknown) => {
            if (!isDuplicateKey(e)) throw e;
          });
        }
      },
    );
    // The follow-up tick reads who is still to sign from the open requests, not from every record.
    if (outcome !== COUNTERSIGNED) await settleOpenRequests(stores, record, version.signGroup, completes(version, record));
    return { record, created: true };
  }
  throw new LanternError(ErrorCode.AgreementBusy, 'Too many signatures are being recorded at once; nothing was recorded for this one. Please press the button again.');
}
