import type { Activity, ConversationReference } from '@microsoft/agents-activity';
import type { LanternConfig } from '../config/load.js';
import type { Models } from '../db/models.js';
import type { Person } from '../directory/person.js';
import { isDuplicateKey } from '../jobs/job-model.js';
import { retryDelayMs, type BackoffPolicy } from '../jobs/runner.js';
import type { Logger } from '../log/logger.js';
import { PER_CONVERSATION_LIMITS, PER_TENANT_LIMITS, type RateLimiter } from './rate-limit.js';
import type { AgreementCampaign, AgreementSend } from './campaign-model.js';
import { cardForSend } from './send-cards.js';
import { SendFailure } from './teams/proactive.js';
import type { AgreementVersion } from './version-model.js';

/** Posts one activity to a stored conversation; throws SendFailure. */
export type Transport = (reference: ConversationReference, activity: Partial<Activity>) => Promise<void>;

/** What the queue worker needs. */
export interface SendQueueDeps {
  models: Models;
  config: LanternConfig;
  logger: Logger;
  clock: () => Date;
  transport: Transport;
  limiter: RateLimiter;
  /** Names this worker in its claims. */
  workerId: string;
  /** Parallel sends in flight (default 4: 50 a second needs few, and fewer concurrent writes suit SQLite). */
  concurrency?: number;
  /** Attempts per card before it is marked failed (default 8). */
  maxAttempts?: number;
  /** How long a claim protects an attempt from other workers (default 60 s). */
  claimLeaseMs?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
}

/** Counts of what one run of the worker did. */
export interface SendSummary {
  sent: number;
  unreachable: number;
  skipped: number;
  retried: number;
  failed: number;
}

/** Back-off for throttled or failed posts: 1 s doubling to 2 min, ±20 % jitter (Retry-After wins). */
export const SEND_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 120_000, jitter: 0.2 };
const BATCH = 200;

/**
 * Retries a database call that failed for a passing reason (FerretDB's SQLite answers "database is
 * locked" under concurrent writes). A duplicate key is an answer, not a failure: it is rethrown at once.
 */
async function withDbRetry<T>(call: () => Promise<T>, tries = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (err) {
      if (isDuplicateKey(err) || i >= tries) throw err;
      await new Promise((r) => setTimeout(r, 25 * 2 ** i));
    }
  }
}

/** Caches of the documents a run keeps looking at. */
interface RunCache {
  campaigns: Map<string, AgreementCampaign | null>;
  versions: Map<string, AgreementVersion | null>;
}

/**
 * Works the persisted send queue until nothing is due (or, with `waitForRetriesMs`, until nothing is due
 * within that long). Each attempt is claimed by a unique insert, so two workers never post the same
 * attempt; a worker that dies between posting and recording leaves its claim to expire, and the next
 * attempt posts again with the same delivery id (see README: at-least-once for that window, de-duplicated
 * where the connector honours the id).
 */
export async function workSendQueue(
  deps: SendQueueDeps,
  scope: { schoolId?: string; campaignId?: string },
  options: { signal?: AbortSignal; extendLease?: () => Promise<void>; waitForRetriesMs?: number } = {},
): Promise<SendSummary> {
  const summary: SendSummary = { sent: 0, unreachable: 0, skipped: 0, retried: 0, failed: 0 };
  const cache: RunCache = { campaigns: new Map(), versions: new Map() };
  const busyUntil = new Map<string, number>();
  const filter = { status: 'pending' as const, ...(scope.schoolId ? { schoolId: scope.schoolId } : {}), ...(scope.campaignId ? { campaignId: scope.campaignId } : {}) };
  let lastLeaseExtension = Date.now();
  for (;;) {
    options.signal?.throwIfAborted();
    if (options.extendLease && Date.now() - lastLeaseExtension > 15_000) {
      await options.extendLease();
      lastLeaseExtension = Date.now();
    }
    const now = deps.clock();
    const due = (await withDbRetry(() => deps.models.agreementSends.find({ ...filter, dueAt: { $lte: now } }).sort({ dueAt: 1 }).limit(BATCH).lean<AgreementSend[]>())).filter(
      (s) => (busyUntil.get(s._id) ?? 0) <= now.getTime(),
    );
    if (due.length === 0) {
      const next = await withDbRetry(() => deps.models.agreementSends.findOne(filter).sort({ dueAt: 1 }).lean<AgreementSend>());
      if (!next) return summary;
      const nextAt = Math.max(new Date(next.dueAt).getTime(), busyUntil.get(next._id) ?? 0);
      const wait = nextAt - now.getTime();
      if (wait > (options.waitForRetriesMs ?? 0)) return summary;
      await new Promise((r) => setTimeout(r, Math.max(50, Math.min(wait, 1_000))));
      continue;
    }
    const people = await withDbRetry(() => peopleFor(deps.models, due));
    const references = await withDbRetry(() => referencesFor(deps.models, [...people.values()]));
    let index = 0;
    const lane = async () => {
      for (;;) {
        const item = due[index++];
        if (!item) return;
        options.signal?.throwIfAborted();
        let outcome: Outcome;
        try {
          outcome = await attempt(deps, cache, item, people.get(`${item.schoolId}:${item.personId}`) ?? null, references, options.signal);
        } catch (err) {
          options.signal?.throwIfAborted();
          // One item's trouble (a database hiccup) must not stop the campaign: leave it for a later pass.
          deps.logger.warn({ err, sendId: item._id }, 'agreement send attempt failed; will try again');
          outcome = 'busy';
        }
        if (outcome === 'busy') busyUntil.set(item._id, deps.clock().getTime() + (deps.claimLeaseMs ?? 60_000));
        else summary[outcome] += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? 4) }, lane));
  }
}

async function peopleFor(models: Models, items: readonly AgreementSend[]): Promise<Map<string, Person>> {
  const map = new Map<string, Person>();
  const bySchool = new Map<string, string[]>();
  for (const i of items) bySchool.set(i.schoolId, [...(bySchool.get(i.schoolId) ?? []), i.personId]);
  for (const [schoolId, ids] of bySchool) {
    for (const p of await models.people.find({ schoolId, personId: { $in: ids } }).lean<Person[]>()) map.set(`${schoolId}:${p.personId}`, p);
  }
  return map;
}

async function referencesFor(models: Models, people: readonly Person[]): Promise<Map<string, ConversationReference>> {
  const ids = people.map((p) => p.aadObjectId).filter((x): x is string => Boolean(x));
  const refs = await models.conversationRefs.find({ aadObjectId: { $in: ids }, scope: 'personal', installed: true }).lean();
  return new Map(refs.map((r) => [r.aadObjectId as string, r.reference as ConversationReference]));
}

/** Claims the next attempt number for an item; 'busy' when a live worker holds it. */
async function claim(deps: SendQueueDeps, item: AgreementSend): Promise<number | 'busy'> {
  const lease = deps.claimLeaseMs ?? 60_000;
  for (let n = item.attempts + 1; n <= item.attempts + 20; n++) {
    const at = deps.clock();
    try {
      await withDbRetry(() => deps.models.agreementSendClaims.create({ _id: `${item._id}#${n}`, by: deps.workerId, at }));
      if (n > item.attempts + 1) {
        // Took over from a dead worker: it may have finished the item after our batch was read.
        const fresh = await deps.models.agreementSends.findById(item._id).lean<AgreementSend>();
        if (fresh?.status !== 'pending' || new Date(fresh.dueAt).getTime() > at.getTime()) return 'busy';
      }
      return n;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const held = await deps.models.agreementSendClaims.findById(`${item._id}#${n}`).lean();
      if (held && at.getTime() - new Date(held.at).getTime() < lease) return 'busy';
    }
  }
  return 'busy';
}

type Outcome = Exclude<keyof SendSummary, never> | 'busy';

async function attempt(
  deps: SendQueueDeps,
  cache: RunCache,
  item: AgreementSend,
  person: Person | null,
  references: Map<string, ConversationReference>,
  signal: AbortSignal | undefined,
): Promise<Outcome> {
  const n = await claim(deps, item);
  if (n === 'busy') return 'busy';
  const finish = async (status: AgreementSend['status'], extra: Record<string, unknown> = {}) => {
    await withDbRetry(() => deps.models.agreementSends.updateOne({ _id: item._id }, { $set: { status, attempts: n, ...extra } }));
  };
  const built = await cardForSend(deps, cache, item, person, references);
  if (built.kind !== 'send') {
    await finish(built.kind === 'unreachable' ? 'unreachable' : 'skipped', { lastError: built.reason });
    return built.kind === 'unreachable' ? 'unreachable' : 'skipped';
  }
  const tenant = built.reference.conversation?.tenantId ?? item.schoolId;
  await deps.limiter.acquire(
    [
      { key: `tenant:${tenant}`, windows: PER_TENANT_LIMITS },
      { key: `conversation:${built.reference.conversation?.id ?? item.personId}`, windows: PER_CONVERSATION_LIMITS },
    ],
    signal,
  );
  try {
    await deps.transport(built.reference, { ...built.activity, channelData: { notification: { alert: true }, lanternDeliveryId: item.deliveryId } });
  } catch (err) {
    const failure = err instanceof SendFailure ? err : new SendFailure(String(err), undefined, true, undefined);
    const maxAttempts = deps.maxAttempts ?? 8;
    if (failure.retryable && n < maxAttempts) {
      const delay = failure.retryAfterMs ?? retryDelayMs(n, deps.backoff ?? SEND_BACKOFF, deps.random);
      await finish('pending', { dueAt: new Date(deps.clock().getTime() + delay), lastError: `${failure.status ?? 'network'}: ${failure.message.slice(0, 200)}` });
      return 'retried';
    }
    deps.logger.warn({ sendId: item._id, status: failure.status }, 'agreement card could not be sent');
    await finish('failed', { lastError: `${failure.status ?? 'network'}: ${failure.message.slice(0, 200)}` });
    return 'failed';
  }
  await finish('sent', { sentAt: deps.clock() });
  return 'sent';
}

export type { RunCache };
