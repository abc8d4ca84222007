import type { Activity, ConversationReference } from '@microsoft/agents-activity';
import type { PolicyPageLinks } from '../../agreements/policy-link.js';
import type { LanternConfig } from '../../config/load.js';
import type { Models } from '../../stores.js';
import type { Person } from '../../directory/person.js';
import type { BackoffPolicy } from '../../jobs/runner.js';
import type { Logger } from '../../log/logger.js';
import type { RateLimiter } from './rate-limit.js';
import type { AgreementCampaign, AgreementSend } from '../../agreements/campaign-model.js';
import type { AgreementSendSummary } from '../../agreements/ports.js';
import { attemptSend, buildSend, tenantOf, withDbRetry, type AttemptState, type Outcome } from './attempt.js';
import type { SendFeed } from './feed.js';
import { batchedWrites } from './writes.js';
import type { TenantSendLease } from './lease.js';
import type { AgreementVersion } from '../../agreements/version-model.js';
import type { AdaptiveCardJson } from '../cards.js';

/** Posts one activity to a stored conversation; throws SendFailure. */
export type Transport = (reference: ConversationReference, activity: Partial<Activity>) => Promise<void>;

/** What the queue worker needs. */
export interface SendQueueDeps {
  models: Models;
  config: LanternConfig;
  logger: Logger;
  clock: () => Date;
  /** Where the sign cards link to the policy's full text. */
  policyLinks: PolicyPageLinks;
  transport: Transport;
  limiter: RateLimiter;
  /** Agrees with other Lantern instances which one sends for a tenant; without it this process assumes it is alone. */
  lease?: TenantSendLease;
  /** Names this worker in its claims. */
  workerId: string;
  /** Attempts in flight at once (default 16: enough for 50 a second when an attempt takes up to ~300 ms). */
  concurrency?: number;
  /** Attempts per card before it is marked failed (default 8). */
  maxAttempts?: number;
  /** How long a claim protects an attempt from other workers (default 60 s). */
  claimLeaseMs?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
}

/** Counts of what one run of the worker did. */
export type SendSummary = AgreementSendSummary;

/** Caches of the documents a run keeps looking at, each loaded once however many lanes ask; `signed` is refreshed with every scan. */
export interface RunCache {
  campaigns: Map<string, Promise<AgreementCampaign | null>>;
  versions: Map<string, Promise<AgreementVersion | null>>;
  signed: Map<string, Promise<Set<string>>>;
  /** Sign cards expanded once for the run (see signCardFrom). */
  signCards: Map<string, AdaptiveCardJson>;
}

// A long run re-reads the queue this often (sends queued by others, outcomes recorded by others, new
// signatures); not more, as parsing thousands of documents stalls the sender's event loop.
const RESCAN_MS = 30_000;

/**
 * Works the persisted send queue until every queued card has an outcome (or, with `waitForRetriesMs`,
 * until nothing is due within that long). A pipeline, not passes: `concurrency` lanes take the next due
 * card as soon as they are free, a card answered 429/502 goes back with its Retry-After or back-off
 * and never holds up the others, and with a `feed` the cards of a campaign being issued are sent while
 * the rest are still being queued. Exactly once is decided per attempt in send-attempt.ts.
 */
export async function workSendQueue(
  deps: SendQueueDeps,
  scope: { schoolId?: string; campaignId?: string },
  options: { signal?: AbortSignal; extendLease?: () => Promise<void>; waitForRetriesMs?: number; feed?: SendFeed } = {},
): Promise<SendSummary> {
  const summary: SendSummary = { sent: 0, unreachable: 0, skipped: 0, retried: 0, failed: 0 };
  const cache: RunCache = { campaigns: new Map(), versions: new Map(), signed: new Map(), signCards: new Map() };
  const filter = { ...(scope.schoolId ? { schoolId: scope.schoolId } : {}), ...(scope.campaignId ? { campaignId: scope.campaignId } : {}) };
  const now = () => deps.clock().getTime();
  const writes = batchedWrites(deps.models, deps.logger);
  const known = new Map<string, AgreementSend>();
  const finished = new Set<string>();
  const states = new Map<string, AttemptState>();
  const people = new Map<string, Person | null>();
  let references = new Map<string, ConversationReference>();
  // Read with the open sends; a run that began on an empty queue reads them when its first cards come from the
  // feed. Never left to buildSend, which looks up one person at a time (a whole-collection scan each on FerretDB).
  let referencesRead: Promise<void> | undefined;
  const readReferences = (): Promise<void> =>
    (referencesRead = withDbRetry(() => referencesFor(deps.models)).then(
      (read) => void (references = read),
      (err: unknown) => {
        referencesRead = undefined;
        throw err;
      },
    ));
  const ready: AgreementSend[] = [];
  const later = new Map<string, number>();
  let inFlight = 0;
  let admitting = 0;
  let lastScan = 0;
  // Whether any card was worked since the last read of the queue: an idle run need not read it twice.
  let workedSinceScan = false;
  let scanning: Promise<void> | undefined;
  let done = false;
  let waiters: (() => void)[] = [];
  const nudge = () => {
    const w = waiters;
    waiters = [];
    for (const wake of w) wake();
  };
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(5, ms));
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  /** Takes in queued items: loads their people (one query per batch) and makes them due. */
  const admit = async (items: readonly AgreementSend[], given: readonly Person[] = []): Promise<void> => {
    admitting += 1;
    try {
      for (const p of given) people.set(`${p.schoolId}:${p.personId}`, p);
      const fresh = items.filter((s) => !finished.has(s._id) && !known.has(s._id) && (!scope.campaignId || s.campaignId === scope.campaignId) && (!scope.schoolId || s.schoolId === scope.schoolId));
      const missing = fresh.filter((s) => !people.has(`${s.schoolId}:${s.personId}`));
      for (const [key, person] of await withDbRetry(() => peopleFor(deps.models, missing))) people.set(key, person);
      if (fresh.length > 0) await (referencesRead ?? readReferences());
      const at = now();
      for (const s of fresh) {
        if (known.has(s._id)) continue;
        known.set(s._id, s);
        states.set(s._id, { attempts: 0, contested: false });
        const due = new Date(s.dueAt).getTime();
        if (due <= at) ready.push(s);
        else defer(s._id, due);
      }
    } finally {
      admitting -= 1;
      nudge();
    }
  };

  /**
   * Reads the open sends (one read, never one per card) and, when there are any, the installed chats: a run with
   * nothing to send costs one read of a near-empty collection, however many cards the year has sent.
   */
  const scan = (): Promise<void> =>
    (scanning ??= (async () => {
      lastScan = now();
      workedSinceScan = false;
      // A row is deleted only once its outcome is recorded, so an item known before this read and missing from it
      // was finished by another worker. Not one admitted meanwhile (from the feed): the read may predate it.
      const before = [...known.keys()];
      // Cards are on their way from a feed: the installed chats are read alongside, not after the first of them.
      const early = options.feed && !options.feed.isClosed && !referencesRead ? readReferences() : undefined;
      const open = await withDbRetry(() => deps.models.agreementOpenSends.find(filter).lean<AgreementSend[]>());
      if (early) await early;
      else if (open.length > 0) await readReferences();
      cache.signed.clear();
      const still = new Set(open.map((s) => s._id));
      for (const id of before) {
        if (still.has(id)) continue;
        finished.add(id);
        known.delete(id);
        later.delete(id);
      }
      await admit(open.filter((s) => !finished.has(s._id)));
    })().finally(() => (scanning = undefined)));


  /** The earliest time in `later` (or a little before it): the map is only walked once that has come. */
  let laterMin = Infinity;
  const defer = (id: string, at: number) => {
    later.set(id, at);
    laterMin = Math.min(laterMin, at);
  };
  /** Moves retries whose time has come to the front of the line. */
  const promote = (at: number) => {
    if (at < laterMin) return;
    laterMin = Infinity;
    for (const [id, due] of later) {
      const item = known.get(id);
      if (due > at && item) {
        laterMin = Math.min(laterMin, due);
        continue;
      }
      later.delete(id);
      if (item) ready.unshift(item);
    }
  };

  const unsubscribe = options.feed?.subscribe((items, given) => void admit(items, given).catch((err: unknown) => deps.logger.warn({ err }, 'could not take in queued agreement cards')));
  const leaveLease = deps.lease?.join();

  const record = (item: AgreementSend, outcome: Outcome) => {
    workedSinceScan = true;
    if (typeof outcome === 'object') {
      if (!finished.has(item._id)) defer(item._id, now() + outcome.ms);
      if (outcome.retried) summary.retried += 1;
      return;
    }
    finished.add(item._id);
    known.delete(item._id);
    if (outcome !== 'done-elsewhere') summary[outcome] += 1;
  };

  /** tenant → until when another instance holds its sender lease (known without building any card). */
  const blockedUntil = new Map<string, number>();
  const process1 = async (item: AgreementSend): Promise<Outcome> => {
    const person = people.get(`${item.schoolId}:${item.personId}`) ?? null;
    const knownRef = person?.aadObjectId ? references.get(person.aadObjectId) : undefined;
    const blocked = knownRef ? (blockedUntil.get(tenantOf(knownRef, item.schoolId)) ?? 0) - now() : 0;
    if (blocked > 0) return { kind: 'wait', ms: blocked };
    const built = await buildSend(deps, cache, item, person, references);
    if (built.kind === 'send' && deps.lease) {
      // Checked before claiming: an instance waiting for the lease must not hold claims the holder needs.
      const tenant = tenantOf(built.reference, item.schoolId);
      const wait = await deps.lease.waitMs(tenant);
      if (wait > 0) {
        blockedUntil.set(tenant, now() + wait);
        // While another instance sends, learn what it has finished every few seconds, so this run can end with it.
        if (now() - lastScan > 5_000 && !scanning) void scan().catch((err: unknown) => deps.logger.warn({ err }, 'agreement queue re-read failed'));
        return { kind: 'wait', ms: wait };
      }
    }
    const lease = deps.lease;
    return attemptSend(deps, item, built, states.get(item._id) ?? { attempts: 0, contested: false }, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(lease ? { mayStillSend: (tenant: string) => lease.mayStillSend(tenant) } : {}),
      writes,
    });
  };

  /** Whether the run is over: nothing due soon, nothing in flight, nothing more coming. */
  const finishedRun = async (): Promise<boolean> => {
    if (ready.length > 0 || inFlight > 0 || admitting > 0 || (options.feed && !options.feed.isClosed)) return false;
    const horizon = options.waitForRetriesMs ?? 0;
    if (later.size > 0 && Math.min(...later.values()) - now() <= horizon) return false;
    // Everything this run knows of is settled: read the queue once more for anything queued while it worked.
    if (!workedSinceScan) return true;
    // Its own finished sends out first, so the read finds only what is still open.
    await writes.flush();
    await scan();
    return ready.length === 0 && inFlight === 0 && (later.size === 0 || Math.min(...later.values()) - now() > horizon);
  };

  let lastLeaseExtension = now();
  const lane = async (): Promise<void> => {
    while (!done) {
      options.signal?.throwIfAborted();
      if (options.extendLease && now() - lastLeaseExtension > 15_000) {
        lastLeaseExtension = now();
        await options.extendLease();
      }
      if (now() - lastScan > RESCAN_MS && !scanning) void scan().catch((err: unknown) => deps.logger.warn({ err }, 'agreement queue re-read failed'));
      promote(now());
      const item = ready.shift();
      if (!item) {
        if (!scanning && (await finishedRun())) {
          done = true;
          nudge();
          return;
        }
        await idle(Math.min(1_000, laterMin - now()));
        continue;
      }
      if (finished.has(item._id)) continue;
      inFlight += 1;
      let outcome: Outcome;
      try {
        outcome = await process1(item);
      } catch (err) {
        options.signal?.throwIfAborted();
        // One card's trouble (a database hiccup) must not stop the campaign: try it again later.
        deps.logger.warn({ err, sendId: item._id }, 'agreement send attempt failed; will try again');
        outcome = { kind: 'wait', ms: 1_000 };
      } finally {
        inFlight -= 1;
      }
      record(item, outcome);
      // Another worker is (or was) on this queue: learn what it finished from one read, not card by card.
      if (outcome === 'done-elsewhere' && now() - lastScan > 1_000 && !scanning) void scan().catch((err: unknown) => deps.logger.warn({ err }, 'agreement queue re-read failed'));
      nudge();
    }
  };

  try {
    await scan();
    // Settled, not all: on abort every lane must have stopped before the lease is given back.
    const lanes = await Promise.allSettled(Array.from({ length: Math.max(1, deps.concurrency ?? 16) }, lane));
    const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    unsubscribe?.();
    await writes.flush();
    await leaveLease?.().catch((err: unknown) => deps.logger.warn({ err }, 'could not give back the sender lease'));
  }
  return summary;
}

/** The people of these items, by `schoolId:personId` (one query per school and batch). */
async function peopleFor(models: Models, items: readonly AgreementSend[]): Promise<Map<string, Person | null>> {
  const map = new Map<string, Person | null>();
  const bySchool = new Map<string, string[]>();
  for (const i of items) {
    map.set(`${i.schoolId}:${i.personId}`, null);
    const ids = bySchool.get(i.schoolId) ?? [];
    ids.push(i.personId);
    bySchool.set(i.schoolId, ids);
  }
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
