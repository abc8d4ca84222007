import type { mongo } from 'mongoose';
import type { Models } from '../../stores.js';
import type { Logger } from '../../log/logger.js';
import type { AgreementSendResult } from '../../agreements/campaign-model.js';
import { isDuplicateKey, retryBusy } from '../../db/errors.js';
import { Batch } from './batch.js';

/** A claim on one attempt at one send: `<sendId>#<attempt>`, who took it and when. */
export interface ClaimDoc {
  _id: string;
  by: string;
  at: Date;
}

/** What became of one inserted document: written, or its `_id` was already taken. */
export type Inserted = 'inserted' | 'duplicate';

/**
 * The writes one attempt makes: its claim, its outcome, and taking the finished send out of the open sends. A
 * taken `_id` is answered 'duplicate' (never thrown); other failures throw, and the caller retries.
 */
export interface SendWrites {
  claim(doc: ClaimDoc): Promise<Inserted>;
  record(doc: AgreementSendResult): Promise<Inserted>;
  /** Best effort, never throws: a row left behind is settled by the next run (its claim taken, its outcome found). */
  close(sendId: string): Promise<void>;
  /** Writes whatever is still waiting. */
  flush(): Promise<void>;
}

/**
 * Unordered insert, read back per document: each is inserted, a duplicate, or its own error. The driver's
 * collection, not the model: the documents are complete and typed, and a model's per-document work is most
 * of the CPU a card costs.
 */
async function insertEach<D extends { _id: string }>(collection: mongo.Collection<D>, docs: D[]): Promise<(Inserted | Error)[]> {
  try {
    await collection.insertMany(docs as unknown as mongo.OptionalUnlessRequiredId<D>[], { ordered: false });
    return docs.map(() => 'inserted');
  } catch (err) {
    const writeErrors = (err as { writeErrors?: { index: number; code?: number; errmsg?: string }[] }).writeErrors;
    if (!Array.isArray(writeErrors) || writeErrors.length === 0) throw err;
    const out: (Inserted | Error)[] = docs.map(() => 'inserted');
    for (const w of writeErrors) out[w.index] = isDuplicateKey(w) ? 'duplicate' : new Error(w.errmsg ?? `insert failed (code ${String(w.code)})`);
    return out;
  }
}

type SendModels = Pick<Models, 'agreementSendClaims' | 'agreementSendResults' | 'agreementOpenSends'>;

function collections(models: SendModels) {
  return {
    claims: models.agreementSendClaims.collection as unknown as mongo.Collection<ClaimDoc>,
    results: models.agreementSendResults.collection as unknown as mongo.Collection<AgreementSendResult>,
  };
}

/** One command per write: for a single send (a card offered on install). */
export function immediateWrites(models: SendModels, logger: Logger): SendWrites {
  const { claims, results } = collections(models);
  const one = async <D extends { _id: string }>(collection: mongo.Collection<D>, doc: D): Promise<Inserted> => {
    const [result] = await insertEach(collection, [doc]);
    if (result instanceof Error) throw result;
    return result ?? 'inserted';
  };
  return {
    claim: (doc) => one(claims, doc),
    record: (doc) => one(results, doc),
    close: async (sendId) => {
      await retryBusy(() => models.agreementOpenSends.collection.deleteOne({ _id: sendId as never })).catch((err: unknown) => logger.warn({ err, sendId }, 'could not take a finished agreement card out of the open sends; the next run will'));
    },
    flush: async () => undefined,
  };
}

/**
 * A queue run's writes, gathered: claims wait up to `claimWaitMs` for others (a card waits longer than that for
 * the rate limiter anyway); outcomes are a group commit, never held back for a timer, so a crash between posting
 * and recording is no more likely than with one insert each; finished sends leave the open sends in bulk.
 */
export function batchedWrites(models: SendModels, logger: Logger, options: { claimWaitMs?: number } = {}): SendWrites {
  const { claims, results } = collections(models);
  const claimBatch = new Batch<ClaimDoc, Inserted>((docs) => insertEach(claims, docs), { maxSize: 64, waitMs: options.claimWaitMs ?? 100 });
  const resultBatch = new Batch<AgreementSendResult, Inserted>((docs) => insertEach(results, docs), { maxSize: 64, waitMs: 0 });
  const closeBatch = new Batch<string, void>(
    async (ids) => {
      await retryBusy(() => models.agreementOpenSends.collection.deleteMany({ _id: { $in: ids as never[] } })).catch((err: unknown) =>
        logger.warn({ err, sends: ids.length }, 'could not take finished agreement cards out of the open sends; the next run will'),
      );
      return ids.map(() => undefined);
    },
    { maxSize: 200, waitMs: 1_000 },
  );
  return {
    claim: (doc) => claimBatch.add(doc),
    record: (doc) => resultBatch.add(doc),
    close: async (sendId) => {
      // Not awaited by the attempt: the row goes with the next bulk delete (which never fails).
      void closeBatch.add(sendId);
    },
    flush: async () => {
      await Promise.all([claimBatch.flush(), resultBatch.flush(), closeBatch.flush()]);
    },
  };
}
