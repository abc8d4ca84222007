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
  /** Parallel sends in flight (default 16: enough for 50 a second even when a send takes 300 ms). */
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

/** Caches of the documents a run keeps looking at; `signed` is refreshed on every pass. */
interface RunCache {
  campaigns: Map<string, AgreementCampaign | null>;
  versions: Map<string, AgreementVersion | null>;
  signed: Map<string, Set<string>>;
}

/**
 * Works the persisted send queue until every queued card has an outcome (or, with `waitForRetriesMs`,
 * until nothing is due within that long). Each attempt is claimed by a unique insert and each outcome is
 * a unique insert, so two workers never post the same attempt and a card is recorded once. A worker that
 * dies between posting and recording leaves its claim to expire; the next attempt posts again with the
 * same delivery id (at-least-once for that window, de-duplicated where the connector honours the id).
 */
export async function workSendQueue(
  deps: SendQueueDeps,
  scope: { schoolId?: string; campaignId?: string },
  options: { signal?: AbortSignal; extendLease?: () => Promise<void>; waitForRetriesMs?: number } = {},
): Promise<SendSummary> {
  const summary: SendSummary = { sent: 0, unreachable: 0, skipped: 0, retried: 0, failed: 0 };
  const cache: RunCache = { campaigns: new Map(), versions: new Map(), signed: new Map() };
  /** Not before: Retry-After / back-off, or a live claim held by another worker. */
  const notBefore = new Map<string, number>();
  const attemptsMade = new Map<string, number>();
  const filter = { ...(scope.schoolId ? { schoolId: scope.schoolId } : {}), ...(scope.campaignId ? { campaignId: scope.campaignId } : {}) };
  let lastLeaseExtension = Date.now();
  for (;;) {
    options.signal?.throwIfAborted();
    if (options.extendLease && Date.now() - lastLeaseExtension > 15_000) {
      await options.extendLease();
      lastLeaseExtension = Date.now();
    }
    // Two scans per pass, never per card: FerretDB answers only _id look-ups and inserts in constant time.
    const [queued, results] = await Promise.all([
      withDbRetry(() => deps.models.agreementSends.find(filter).lean<AgreementSend[]>()),
      withDbRetry(() => deps.models.agreementSendResults.find(filter, { _id: 1 }).lean<{ _id: string }[]>()),
    ]);
    const finished = new Set(results.map((r) => r._id));
    const open = queued.filter((s) => !finished.has(s._id));
    if (open.length === 0) return summary;
    const now = deps.clock().getTime();
    const readyAt = (s: AgreementSend) => Math.max(new Date(s.dueAt).getTime(), notBefore.get(s._id) ?? 0);
    const due = open.filter((s) => readyAt(s) <= now).sort((a, b) => readyAt(a) - readyAt(b));
    if (due.length === 0) {
      const wait = Math.min(...open.map(readyAt)) - now;
      if (wait > (options.waitForRetriesMs ?? 0)) return summary;
      // Nothing else can become due meanwhile within this run: sleep until the first retry.
      await new Promise((r) => setTimeout(r, Math.max(50, wait)));
      continue;
    }
    cache.signed.clear();
    const [people, references] = await Promise.all([withDbRetry(() => peopleFor(deps.models, due)), withDbRetry(() => referencesFor(deps.models))]);
    let index = 0;
    const lane = async () => {
      for (;;) {
        const item = due[index++];
        if (!item) return;
        options.signal?.throwIfAborted();
        let outcome: Outcome;
        try {
          outcome = await attempt(deps, cache, item, people.get(`${item.schoolId}:${item.personId}`) ?? null, references, attemptsMade, options.signal);
        } catch (err) {
          options.signal?.throwIfAborted();
          // One card's trouble (a database hiccup) must not stop the campaign: try it again later.
          deps.logger.warn({ err, sendId: item._id }, 'agreement send attempt failed; will try again');
          outcome = { kind: 'wait', ms: 1_000 };
        }
        if (typeof outcome === 'object') {
          notBefore.set(item._id, deps.clock().getTime() + outcome.ms);
          if (outcome.retried) summary.retried += 1;
        } else if (outcome !== 'done-elsewhere') summary[outcome] += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? 16) }, lane));
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

/** Every installed personal chat by Entra id (one scan; cheaper on FerretDB than an $in over thousands of ids). */
async function referencesFor(models: Models): Promise<Map<string, ConversationReference>> {
  const refs = await models.conversationRefs.find({ scope: 'personal', installed: true }).lean();
  return new Map(refs.map((r) => [r.aadObjectId as string, r.reference as ConversationReference]));
}

/** Claims the next attempt number for an item, or says how long another (live) worker holds it. */
async function claim(deps: SendQueueDeps, item: AgreementSend, from: number): Promise<number | { kind: 'wait'; ms: number }> {
  const lease = deps.claimLeaseMs ?? 60_000;
  for (let n = from; n < from + 50; n++) {
    const at = deps.clock();
    try {
      await withDbRetry(() => deps.models.agreementSendClaims.create({ _id: `${item._id}#${n}`, by: deps.workerId, at }));
      return n;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const held = await withDbRetry(() => deps.models.agreementSendClaims.findById(`${item._id}#${n}`).lean());
      const age = held ? at.getTime() - new Date(held.at).getTime() : lease;
      // A recent claim is a live worker's; an old one is a dead worker's attempt, so try the next number.
      if (age < lease) return { kind: 'wait', ms: lease - age };
    }
  }
  return { kind: 'wait', ms: lease };
}

type Outcome = keyof SendSummary | 'done-elsewhere' | { kind: 'wait'; ms: number; retried?: boolean };

async function attempt(
  deps: SendQueueDeps,
  cache: RunCache,
  item: AgreementSend,
  person: Person | null,
  references: Map<string, ConversationReference>,
  attemptsMade: Map<string, number>,
  signal: AbortSignal | undefined,
): Promise<Outcome> {
  const n = await claim(deps, item, (attemptsMade.get(item._id) ?? 0) + 1);
  if (typeof n === 'object') return n;
  attemptsMade.set(item._id, n);
  // Another worker may have finished it since this pass read the queue.
  if (await withDbRetry(() => deps.models.agreementSendResults.findById(item._id).lean())) return 'done-elsewhere';
  const finish = async (status: 'sent' | 'unreachable' | 'skipped' | 'failed', detail?: string): Promise<Outcome> => {
    try {
      await withDbRetry(() =>
        deps.models.agreementSendResults.create({ _id: item._id, schoolId: item.schoolId, campaignId: item.campaignId, personId: item.personId, round: item.round, status, attempts: n, at: deps.clock(), ...(detail ? { detail } : {}) }),
      );
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return 'done-elsewhere';
    }
    return status;
  };
  const built = await cardForSend(deps, cache, item, person, references);
  if (built.kind !== 'send') return finish(built.kind === 'unreachable' ? 'unreachable' : 'skipped', built.reason);
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
    const detail = `${failure.status ?? 'network'}: ${failure.message.slice(0, 200)}`;
    if (failure.retryable && n < (deps.maxAttempts ?? 8)) {
      return { kind: 'wait', ms: failure.retryAfterMs ?? retryDelayMs(n, deps.backoff ?? SEND_BACKOFF, deps.random), retried: true };
    }
    deps.logger.warn({ sendId: item._id, status: failure.status }, 'agreement card could not be sent');
    return finish('failed', detail);
  }
  return finish('sent');
}

export type { RunCache };
