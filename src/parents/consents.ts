import type { Models } from '../stores.js';
import { ErrorCode, LanternError } from '../errors.js';
import type { ConsentDecision, ConsentKind, ConsentRecord } from './consent-model.js';
import { isDuplicateKey } from '../db/errors.js';
import { chainFields } from './consent-chain.js';

/** The store consent functions use. */
export type ConsentStores = Pick<Models, 'parentConsents'>;
/** The stores appending an answer uses: the consents and the integrity key that seals them. */
export type ConsentAppendStores = Pick<Models, 'parentConsents' | 'integrity'>;

/** One answer to append. */
export interface ConsentInput {
  schoolId: string;
  pupilId: string;
  kind: ConsentKind;
  decision: ConsentDecision;
  parentId: string;
  typedName: string;
  tokenHash: string;
  versionHash?: string;
  client?: { ip?: string; userAgent?: string };
}

const MAX_TRIES = 20;

/**
 * Appends a consent answer as record n+1 for the pupil and kind, and as the next link of the school's consent
 * chain, hashed and sealed. Never updates an earlier record: the history (given, then withdrawn) stays
 * readable. A lost race for either position re-reads and tries again.
 */
export async function appendConsent(stores: ConsentAppendStores, input: ConsentInput, now: Date): Promise<ConsentRecord> {
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const last = await stores.parentConsents
      .findOne({ schoolId: input.schoolId, pupilId: input.pupilId, kind: input.kind })
      .sort({ seq: -1 })
      .lean<ConsentRecord>();
    const head = await stores.parentConsents
      .findOne({ schoolId: input.schoolId, chainSeq: { $exists: true } })
      .sort({ chainSeq: -1 })
      .lean<ConsentRecord>();
    const answer = { ...input, seq: (last?.seq ?? 0) + 1, at: now, chainSeq: (head?.chainSeq ?? 0) + 1, prevHash: head?.hash ?? '' };
    const record = { ...answer, chainKey: `${answer.schoolId}:${answer.chainSeq}`, ...chainFields(stores.integrity, answer) };
    try {
      await stores.parentConsents.create(record);
      return record as ConsentRecord;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new LanternError(ErrorCode.ConsentBusy, 'Several answers for this child arrived at once; nothing was recorded for this one. Please try again.');
}

/** The current state of each consent for one pupil: the latest record of each kind, or undefined when never answered. */
export type ConsentState = Partial<Record<ConsentKind, ConsentRecord>>;

/** The latest record of each kind among these (by seq). */
export function latestByKind(records: readonly ConsentRecord[]): ConsentState {
  const state: ConsentState = {};
  for (const r of records) {
    const seen = state[r.kind];
    if (!seen || seen.seq < r.seq) state[r.kind] = r;
  }
  return state;
}

/** Reads the latest record of each kind for a pupil, including kinds the school no longer asks about. */
export async function currentConsents(stores: ConsentStores, schoolId: string, pupilId: string): Promise<ConsentState> {
  return latestByKind(await stores.parentConsents.find({ schoolId, pupilId }).lean<ConsentRecord[]>());
}

/** Every answer for a pupil, oldest first: the history a DSL or office can show a parent. */
export async function consentHistory(stores: ConsentStores, schoolId: string, pupilId: string): Promise<ConsentRecord[]> {
  return stores.parentConsents.find({ schoolId, pupilId }).sort({ at: 1, kind: 1, seq: 1 }).lean<ConsentRecord[]>();
}
