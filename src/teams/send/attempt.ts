import type { ConversationReference } from '@microsoft/agents-activity';
import { retryDelayMs, type BackoffPolicy } from '../../jobs/runner.js';
import type { Person } from '../../directory/person.js';
import type { AgreementSend } from '../../agreements/campaign-model.js';
import { PER_CONVERSATION_LIMITS, PER_TENANT_LIMITS } from './rate-limit.js';
import { cardForSend, type BuiltSend } from './cards.js';
import type { RunCache, SendQueueDeps, SendSummary, Transport } from './queue.js';
import { personalReference, SendFailure } from './proactive.js';
import { isDuplicateKey } from '../../db/errors.js';
import { immediateWrites, type SendWrites } from './writes.js';

/** Back-off for throttled or failed posts: 1 s doubling to 2 min, ±20 % jitter (Retry-After wins). */
export const SEND_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 120_000, jitter: 0.2 };

/**
 * Retries a database call that failed for a passing reason (FerretDB's SQLite answers "database is
 * locked" under concurrent writes). A duplicate key is an answer, not a failure: it is rethrown at once.
 */
export async function withDbRetry<T>(call: () => Promise<T>, tries = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (err) {
      if (isDuplicateKey(err) || i >= tries) throw err;
      await new Promise((r) => setTimeout(r, 25 * 2 ** i));
    }
  }
}

/** What became of one attempt: a final status, someone else's, or "try again in `ms`". */
export type Outcome = Exclude<keyof SendSummary, 'retried'> | 'done-elsewhere' | { kind: 'wait'; ms: number; retried?: boolean };

/** Per-item memory a worker keeps between attempts. */
export interface AttemptState {
  /** The last attempt number this worker claimed. */
  attempts: number;
  /** True once another worker's claim was seen: the result must be re-read before posting. */
  contested: boolean;
}

/** The tenant whose 50-a-second limit a send counts against. */
export function tenantOf(reference: ConversationReference, schoolId: string): string {
  return reference.conversation?.tenantId ?? schoolId;
}

/**
 * Claims the next attempt number for an item by unique insert, or says how long another (live) worker
 * holds it. A taken number whose send already has an outcome means the work is done elsewhere.
 */
async function claim(deps: SendQueueDeps, writes: SendWrites, item: AgreementSend, state: AttemptState): Promise<number | 'done-elsewhere' | { kind: 'wait'; ms: number }> {
  const lease = deps.claimLeaseMs ?? 60_000;
  for (let n = state.attempts + 1; n < state.attempts + 50; n++) {
    const at = deps.clock();
    if ((await withDbRetry(() => writes.claim({ _id: `${item._id}#${n}`, by: deps.workerId, at }))) === 'inserted') return n;
    state.contested = true;
    if (await withDbRetry(() => deps.models.agreementSendResults.findById(item._id, { _id: 1 }).lean())) return 'done-elsewhere';
    const held = await withDbRetry(() => deps.models.agreementSendClaims.findById(`${item._id}#${n}`).lean());
    const age = held ? at.getTime() - new Date(held.at).getTime() : lease;
    // A recent claim is a live worker's; an old one is a dead worker's attempt, so try the next number.
    if (age < lease) return { kind: 'wait', ms: lease - age };
  }
  return { kind: 'wait', ms: lease };
}

/**
 * Takes a send with a recorded outcome out of the open sends. Never throws: the outcome is what counts, and
 * a row left behind is settled by the next run (its claim is taken and its outcome found).
 */
async function settle<T extends Outcome>(writes: SendWrites, item: AgreementSend, outcome: T): Promise<T> {
  await writes.close(item._id);
  return outcome;
}

/**
 * Decides what a queued item needs (reads only). A person with no reference in the run's snapshot is
 * looked up once more, so someone who installed Lantern since the snapshot is not wrongly reported
 * as not reachable.
 */
export async function buildSend(deps: SendQueueDeps, cache: RunCache, item: AgreementSend, person: Person | null, references: Map<string, ConversationReference>): Promise<BuiltSend> {
  const built = await cardForSend(deps, cache, item, person, references);
  if (built.kind !== 'unreachable' || !person?.aadObjectId) return built;
  const fresh = await withDbRetry(() => personalReference(deps.models, person));
  if (!fresh) return built;
  references.set(person.aadObjectId, fresh);
  return cardForSend(deps, cache, item, person, references);
}

/**
 * One attempt at one queued card: claim (unique insert) → post → record the outcome (unique insert).
 * Exactly once: only the claim holder posts, the outcome is written once; a worker that dies between
 * posting and recording leaves its claim to expire and the next attempt posts again with the same
 * delivery id (at-least-once for that window, de-duplicated where the connector honours the id).
 * `built` must come from buildSend; the caller has already checked the tenant lease.
 */
export async function attemptSend(
  deps: SendQueueDeps,
  item: AgreementSend,
  built: BuiltSend,
  state: AttemptState,
  options: { signal?: AbortSignal; transport?: Transport; mayStillSend?: (tenant: string) => boolean; writes?: SendWrites } = {},
): Promise<Outcome> {
  const writes = options.writes ?? immediateWrites(deps.models, deps.logger);
  const n = await claim(deps, writes, item, state);
  if (n === 'done-elsewhere') return settle(writes, item, n);
  if (typeof n !== 'number') return n;
  state.attempts = n;
  // Only when another worker has touched this item can it have finished it since the queue was read.
  if (state.contested && (await withDbRetry(() => deps.models.agreementSendResults.findById(item._id, { _id: 1 }).lean()))) return settle(writes, item, 'done-elsewhere');
  const finish = async (status: 'sent' | 'unreachable' | 'skipped' | 'failed', detail?: string): Promise<Outcome> => {
    const recorded = await withDbRetry(() =>
      writes.record({ _id: item._id, schoolId: item.schoolId, campaignId: item.campaignId, personId: item.personId, round: item.round, status, attempts: n, at: deps.clock(), ...(detail ? { detail } : {}) }),
    );
    return settle(writes, item, recorded === 'inserted' ? status : 'done-elsewhere');
  };
  if (built.kind !== 'send') return finish(built.kind === 'unreachable' ? 'unreachable' : 'skipped', built.reason);
  const tenant = tenantOf(built.reference, item.schoolId);
  const release = await deps.limiter.acquire(
    [
      { key: `tenant:${tenant}`, windows: PER_TENANT_LIMITS },
      { key: `conversation:${built.reference.conversation?.id ?? item.personId}`, windows: PER_CONVERSATION_LIMITS },
    ],
    options.signal,
  );
  // The limiter may have waited past the end of this instance's turn to send for the tenant: nothing was
  // posted, so the claim is given back and the new holder can take this attempt number at once.
  if (options.mayStillSend && !options.mayStillSend(tenant)) {
    release();
    await withDbRetry(() => deps.models.agreementSendClaims.deleteOne({ _id: `${item._id}#${n}`, by: deps.workerId })).catch(() => undefined);
    return { kind: 'wait', ms: 250 };
  }
  try {
    await (options.transport ?? deps.transport)(built.reference, { ...built.activity, channelData: { notification: { alert: true }, lanternDeliveryId: item.deliveryId } });
  } catch (err) {
    const failure = err instanceof SendFailure ? err : new SendFailure(String(err), undefined, true, undefined);
    const detail = `${failure.status ?? 'network'}: ${failure.message.slice(0, 200)}`;
    if (failure.retryable && n < (deps.maxAttempts ?? 8)) {
      return { kind: 'wait', ms: failure.retryAfterMs ?? retryDelayMs(n, deps.backoff ?? SEND_BACKOFF, deps.random), retried: true };
    }
    deps.logger.warn({ sendId: item._id, status: failure.status }, 'agreement card could not be sent');
    return finish('failed', detail);
  } finally {
    // Answered (or failed): from now on the request leaves the limiter's windows a window's length later.
    release();
  }
  return finish('sent');
}
