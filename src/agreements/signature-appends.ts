import type { Models } from '../stores.js';
import { ErrorCode, LanternError } from '../errors.js';
import { isDuplicateKey, pauseBeforeRetry } from '../db/errors.js';
import { sealFields } from '../integrity/seal.js';
import { genesisHash, recordHash } from './signature-hash.js';
import type { AgreementSignature } from './signature-model.js';

/** The stores an append writes. */
export type AppendStores = Pick<Models, 'integrity' | 'agreementSignatures' | 'agreementChainHeads'>;

/** A record waiting for its place in the chain: everything but its seq, prevHash, hash and seal. */
export type PendingRecord = Omit<AgreementSignature, 'seq' | 'prevHash' | 'hash' | 'mac' | 'anchoredAt'>;

/** What an append answers each waiting record with: the stored record, and whether this call created it. */
export interface Appended {
  record: AgreementSignature;
  created: boolean;
}

interface Waiting {
  pending: PendingRecord;
  resolve: (result: Appended) => void;
  reject: (err: unknown) => void;
}

const MAX_APPEND_TRIES = 100;

/**
 * Appends records to a school's chain, each exactly once per key: one read of the chain's tail, one ordered
 * insert of them all chained from it, one update of the chain head. The unique seq still decides between
 * instances (and the unique key between two presses of one button): an insert that stops on a duplicate keeps
 * the records before it, answers a record already stored with `created: false`, and chains the rest again
 * after a fresh read of the tail.
 */
export async function appendRecords(stores: AppendStores, schoolId: string, pending: readonly PendingRecord[]): Promise<Appended[]> {
  const results: (Appended | undefined)[] = pending.map(() => undefined);
  let left = pending.map((_, i) => i);
  for (let attempt = 0; attempt < MAX_APPEND_TRIES && left.length > 0; attempt++) {
    const tail = await stores.agreementSignatures.findOne({ schoolId }).sort({ seq: -1 }).lean<AgreementSignature>();
    let prev = { seq: tail?.seq ?? 0, hash: tail?.hash ?? genesisHash(schoolId) };
    const records = left.map((i) => {
      const unsigned: Omit<AgreementSignature, 'hash'> = { ...(pending[i] as PendingRecord), seq: prev.seq + 1, prevHash: prev.hash };
      const hash = recordHash(unsigned);
      prev = { seq: unsigned.seq, hash };
      return { ...unsigned, hash, ...sealFields(stores.integrity, 'signatures', hash) } as AgreementSignature;
    });
    const inserted = await insertInOrder(stores, records);
    inserted.forEach((record, j) => (results[left[j] as number] = { record, created: true }));
    if (inserted.length > 0) await moveHead(stores, schoolId, inserted.at(-1) as AgreementSignature);
    if (inserted.length === records.length) return results as Appended[];
    // The record after the last inserted one met a duplicate: its key (already signed) or its seq (another writer).
    const stopped = left[inserted.length] as number;
    const won = await stores.agreementSignatures.findOne({ schoolId, key: pending[stopped]?.key }).lean<AgreementSignature>();
    if (won) results[stopped] = { record: won, created: false };
    left = left.slice(inserted.length + (won ? 1 : 0));
    if (!won) await pauseBeforeRetry(attempt + 1);
  }
  if (left.length === 0) return results as Appended[];
  throw new LanternError(ErrorCode.AgreementBusy, 'Too many signatures are being recorded at once; nothing was recorded for this one. Please press the button again.');
}

/** Inserts records in order, stopping at the first duplicate key; answers the ones stored. */
async function insertInOrder(stores: AppendStores, records: AgreementSignature[]): Promise<AgreementSignature[]> {
  try {
    await stores.agreementSignatures.insertMany(records, { ordered: true });
    return records;
  } catch (err) {
    // The driver reports an ordered insert's first failure with the position it stopped at.
    const errors = (err as { writeErrors?: unknown }).writeErrors;
    const first = (Array.isArray(errors) ? errors[0] : errors) as { index?: number; code?: number } | undefined;
    if (!isDuplicateKey(err) && !isDuplicateKey(first)) throw err;
    return records.slice(0, first?.index ?? 0);
  }
}

/** Moves the chain head forward (a cache for verify's "deleted from the end" check; a lost race leaves it one behind, which is harmless). */
async function moveHead(stores: AppendStores, schoolId: string, last: AgreementSignature): Promise<void> {
  const res = await stores.agreementChainHeads.updateOne({ _id: schoolId, seq: { $lt: last.seq } }, { $set: { seq: last.seq, hash: last.hash } });
  if (res.matchedCount === 0 && !(await stores.agreementChainHeads.exists({ _id: schoolId }))) {
    await stores.agreementChainHeads.create({ _id: schoolId, seq: last.seq, hash: last.hash }).catch((e: unknown) => {
      if (!isDuplicateKey(e)) throw e;
    });
  }
}

/**
 * This instance's signatures waiting for their school's chain. While one append to a school's chain is being
 * written, the signatures that arrive wait and then go together in the next one: 100 staff pressing "I agree"
 * at once cost a few appends, not 100 racing for the same next seq. One per connection (built with the models).
 */
export class SignatureAppends {
  private readonly waiting = new Map<string, Waiting[]>();
  private readonly writing = new Set<string>();

  /** Appends one record to its school's chain, with whatever else is waiting for that chain. */
  append(stores: AppendStores, pending: PendingRecord): Promise<Appended> {
    return new Promise<Appended>((resolve, reject) => {
      const queue = this.waiting.get(pending.schoolId) ?? [];
      queue.push({ pending, resolve, reject });
      this.waiting.set(pending.schoolId, queue);
      if (!this.writing.has(pending.schoolId)) void this.drain(stores, pending.schoolId);
    });
  }

  private async drain(stores: AppendStores, schoolId: string): Promise<void> {
    this.writing.add(schoolId);
    try {
      for (let batch = this.take(schoolId); batch.length > 0; batch = this.take(schoolId)) {
        try {
          const results = await appendRecords(stores, schoolId, batch.map((w) => w.pending));
          batch.forEach((w, i) => w.resolve(results[i] as Appended));
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.writing.delete(schoolId);
    }
  }

  private take(schoolId: string): Waiting[] {
    const batch = this.waiting.get(schoolId) ?? [];
    this.waiting.delete(schoolId);
    return batch;
  }
}
