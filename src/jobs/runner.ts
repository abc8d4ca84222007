import type { Types } from 'mongoose';
import { ErrorCode, LanternError, isLanternError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { changeJobState, checkJobInput, HeldJob, rollForward, stateOf, type JobDoc, type JobState, type JobStatus, type JobStores, toStoredResult } from './job-model.js';
import { isDuplicateKey } from '../db/errors.js';

/** What a handler sees of the job it runs. */
export interface JobRun<D = unknown> {
  id: string;
  name: string;
  key: string;
  schoolId: string | undefined;
  data: D;
  /** 1 on the first try. */
  attempt: number;
}

/** The tools a handler gets for one run. */
export interface JobContext {
  /** Child logger carrying jobId, jobName, schoolId and attempt. */
  logger: Logger;
  /** Aborted when the runner stops past its grace period or the lease is lost or running out: stop and throw. */
  signal: AbortSignal;
  /** Pushes the lease another leaseMs out; rejects, and aborts `signal`, when another instance took the job. */
  extendLease(): Promise<void>;
}

/** Runs one job; what it resolves to is stored as the job's result (small JSON). */
export type JobHandler<D = unknown> = (job: JobRun<D>, ctx: JobContext) => Promise<unknown>;

/** The one table from job name to handler; a handler states its data type as `JobRun<Data>`. */
export type JobHandlers = Record<string, JobHandler<never>>;

/** The data type the handler for job `N` accepts. */
export type JobDataOf<H extends JobHandlers, N extends keyof H> = Parameters<H[N]>[0]['data'];

/** Exponential back-off: baseMs·2^(attempt−1), ±jitter (a fraction), capped at maxMs. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, maxMs: 60 * 60_000, jitter: 0.2 };

/** How a runner is built; defaults: leaseMs 60 s, pollMs 1 s, concurrency 2, maxAttempts 5. */
export interface JobRunnerOptions<H extends JobHandlers> {
  models: JobStores;
  handlers: H;
  clock: () => Date;
  logger: Logger;
  /** Names this process in `lockedBy`; must differ between instances. */
  instanceId: string;
  leaseMs?: number;
  pollMs?: number;
  concurrency?: number;
  defaultMaxAttempts?: number;
  backoff?: BackoffPolicy;
  /** Source of jitter; tests pass a constant. */
  random?: () => number;
}

/** What to enqueue; `key` makes it idempotent per job name. */
export interface EnqueueOptions<D> {
  key: string;
  data: D;
  runAt?: Date;
  schoolId?: string;
  maxAttempts?: number;
}

/** The stored job and whether this call created it (false: it already existed for that name and key). */
export interface EnqueueResult {
  job: JobDoc;
  created: boolean;
}

/** How one run ended: `lost` means another instance holds the job now; `abandoned` means stop() cut it short. */
export type RunOutcome = 'done' | 'retrying' | 'dead' | 'lost' | 'abandoned';

/** Count of runs by outcome. */
export type RunSummary = Record<RunOutcome, number>;

const CLAIM_BATCH = 10;
const RETRYABLE: JobStatus[] = ['queued', 'failed'];
// A claim that keeps colliding gives up for this round rather than spin; the next poll tries again.
const MAX_CLAIM_ROUNDS = 20;
// A fence whose job was not written within this long belongs to a dead writer (see rollForward).
const ROLL_FORWARD_GRACE_MS = 5_000;
const DEFAULT_STOP_GRACE_MS = 30_000;
// After aborting, how long stop() waits for handlers that honour the signal.
const ABANDON_WAIT_MS = 5_000;

/** The delay before retrying after failed attempt number `attempt` (1-based). */
export function retryDelayMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const nominal = policy.baseMs * 2 ** Math.max(0, attempt - 1);
  const jittered = nominal * (1 - policy.jitter + 2 * policy.jitter * random());
  return Math.round(Math.min(policy.maxMs, jittered));
}

/**
 * Lantern's background job runner: jobs live in the `jobs` collection, any number of instances poll it,
 * and each job runs to one recorded outcome however many instances race for it.
 */
export class JobRunner<H extends JobHandlers> {
  private readonly stores: JobStores;
  private readonly handlers: H;
  private readonly clock: () => Date;
  private readonly logger: Logger;
  private readonly instanceId: string;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly defaultMaxAttempts: number;
  private readonly backoff: BackoffPolicy;
  private readonly random: () => number;
  private readonly inFlight = new Set<Promise<RunOutcome>>();
  private readonly held = new Set<HeldJob>();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(options: JobRunnerOptions<H>) {
    this.stores = options.models;
    this.handlers = options.handlers;
    this.clock = options.clock;
    this.logger = options.logger;
    this.instanceId = options.instanceId;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 1_000;
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.defaultMaxAttempts = options.defaultMaxAttempts ?? 5;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.random = options.random ?? Math.random;
  }

  /** Adds a job, or returns the existing one when (name, key) was enqueued before, whatever its status. */
  async enqueue<N extends keyof H & string>(name: N, options: EnqueueOptions<JobDataOf<H, N>>): Promise<EnqueueResult> {
    if (!Object.hasOwn(this.handlers, name)) {
      throw new LanternError(ErrorCode.JobUnknown, `No handler is registered for job "${name}". Add it to the runner's handlers table.`);
    }
    const data = checkJobInput(name, options);
    try {
      const created = await this.stores.jobs.create({
        name,
        key: options.key,
        schoolId: options.schoolId ?? null,
        data,
        status: 'queued',
        runAt: options.runAt ?? this.clock(),
        attempts: 0,
        maxAttempts: options.maxAttempts ?? this.defaultMaxAttempts,
        fence: 0,
      });
      return { job: created.toObject<JobDoc>(), created: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const existing = await this.stores.jobs.findOne({ name, key: options.key }).lean<JobDoc>();
    if (!existing) throw new LanternError(ErrorCode.JobInvalid, `Job "${name}" with key "${options.key}" was reported as a duplicate but could not be read back; enqueue it again.`);
    return { job: existing, created: false };
  }

  /** Claims and runs due jobs, `concurrency` at a time, until none is due; for tests and the CLI. */
  async runDue(): Promise<RunSummary> {
    const summary: RunSummary = { done: 0, retrying: 0, dead: 0, lost: 0, abandoned: 0 };
    const worker = async () => {
      while (!this.stopping) {
        const job = await this.claim();
        if (!job) return;
        summary[await this.track(job)] += 1;
      }
    };
    await Promise.all(Array.from({ length: this.concurrency }, worker));
    return summary;
  }

  /** Starts polling every pollMs (and whenever a slot frees up). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.poll();
  }

  /**
   * Stops claiming and waits up to `graceMs` (default 30 s) for running jobs; then aborts their signals.
   * Nothing unfinished is released: its lease runs out and another instance takes it over.
   */
  async stop(options: { graceMs?: number } = {}): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    const everything = Promise.allSettled([...this.inFlight]);
    if (await settlesWithin(everything, options.graceMs ?? DEFAULT_STOP_GRACE_MS)) return;
    this.logger.warn({ running: this.held.size }, 'Stopping with jobs still running: aborting them; another instance retries them when their leases expire');
    for (const job of this.held) job.abandon();
    await settlesWithin(everything, ABANDON_WAIT_MS);
  }

  private async poll(): Promise<void> {
    while (!this.stopping) {
      try {
        while (!this.stopping && this.inFlight.size < this.concurrency) {
          const job = await this.claim();
          if (!job) break;
          void this.track(job);
        }
      } catch (err) {
        this.logger.error({ err }, 'Claiming jobs failed; trying again at the next poll');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.wake?.(), this.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
        // stop() may have been called while this loop was busy, before there was a wake to call.
        if (this.stopping) this.wake();
      });
    }
  }

  /** Takes one due job (queued, a retry whose time has come, or a running one whose lease expired). */
  private async claim(): Promise<JobDoc | undefined> {
    const passed: Types.ObjectId[] = [];
    for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
      const now = this.clock();
      const due = {
        $or: [{ status: { $in: RETRYABLE }, runAt: { $lte: now } }, { status: 'running' as const, lockedUntil: { $lt: now } }],
        ...(passed.length > 0 ? { _id: { $nin: passed } } : {}),
      };
      const candidates = await this.stores.jobs.find(due).sort({ runAt: 1 }).limit(CLAIM_BATCH).lean<JobDoc[]>();
      if (candidates.length === 0) return undefined;
      for (const job of candidates) {
        const next: JobState = { ...stateOf(job), status: 'running', attempts: job.attempts + 1, lockedBy: this.instanceId, lockedUntil: new Date(now.getTime() + this.leaseMs) };
        const won = await changeJobState(this.stores, job, next, this.instanceId, now);
        if (won) return won;
        // Someone else changed it first; if that someone died mid-change, repair and look again.
        if (!(await rollForward(this.stores, job, now, ROLL_FORWARD_GRACE_MS))) passed.push(job._id);
      }
    }
    return undefined;
  }

  private track(job: JobDoc): Promise<RunOutcome> {
    const run = this.execute(job);
    this.inFlight.add(run);
    void run.finally(() => {
      this.inFlight.delete(run);
      this.wake?.();
    });
    return run;
  }

  /** Runs a claimed job and records its outcome; never rejects. */
  private async execute(claimed: JobDoc): Promise<RunOutcome> {
    const log = this.logger.child({ jobId: claimed._id.toHexString(), jobName: claimed.name, schoolId: claimed.schoolId ?? undefined, attempt: claimed.attempts });
    const job = new HeldJob(claimed, { stores: this.stores, clock: this.clock, instanceId: this.instanceId, leaseMs: this.leaseMs });
    this.held.add(job);
    try {
      const handler = Object.hasOwn(this.handlers, claimed.name) ? this.handlers[claimed.name] : undefined;
      if (!handler) {
        // Dead, not skipped: otherwise it is claimed and retried forever. In a rolling deploy an older
        // instance can kill a job type a newer one enqueues, so ship a handler before enqueueing its jobs.
        const err = new LanternError(ErrorCode.JobUnknown, `No handler for job "${claimed.name}" on instance ${this.instanceId}. Deploy a version that handles it, then enqueue it again.`);
        return await this.recordFailure(job, log, err, { final: true });
      }
      if (claimed.attempts > claimed.maxAttempts) {
        const err = new Error(`The lease expired during the last of ${claimed.maxAttempts} attempts (the instance running it stopped, or the handler outran its lease without extendLease).`);
        return await this.recordFailure(job, log, err, { final: true });
      }
      let result: unknown;
      try {
        const run: JobRun = { id: claimed._id.toHexString(), name: claimed.name, key: claimed.key, schoolId: claimed.schoolId ?? undefined, data: claimed.data, attempt: claimed.attempts };
        result = await handler(run as JobRun<never>, { logger: log, signal: job.signal, extendLease: () => job.extendLease() });
      } catch (err) {
        if (job.abandoned) {
          log.warn('Job stopped mid-run; its lease will expire and another instance will retry it');
          return 'abandoned';
        }
        return await this.recordFailure(job, log, err, { final: false });
      }
      const recorded = await job.change({ status: 'done', result: toStoredResult(result), lockedUntil: null, finishedAt: this.clock() });
      if (!recorded) return lost(log);
      log.info('Job done');
      return 'done';
    } catch (err) {
      log.error({ err }, 'Could not record the job outcome; its lease will expire and it will be retried');
      return 'lost';
    } finally {
      job.release();
      this.held.delete(job);
    }
  }

  private async recordFailure(job: HeldJob, log: Logger, err: unknown, options: { final: boolean }): Promise<RunOutcome> {
    const now = this.clock();
    const current = job.version;
    const message = err instanceof Error ? err.message : String(err);
    const failure = { lastError: message, lastErrorCode: isLanternError(err) ? err.code : null, lockedUntil: null };
    if (options.final || current.attempts >= current.maxAttempts) {
      if (!(await job.change({ ...failure, status: 'dead', finishedAt: now }))) return lost(log);
      log.error({ err: message, code: failure.lastErrorCode }, 'Job failed for good');
      return 'dead';
    }
    const delay = requestedDelay(err) ?? retryDelayMs(current.attempts, this.backoff, this.random);
    if (!(await job.change({ ...failure, status: 'failed', lockedBy: null, runAt: new Date(now.getTime() + delay) }))) return lost(log);
    log.warn({ err: message, code: failure.lastErrorCode, retryInMs: delay }, 'Job failed; will retry');
    return 'retrying';
  }
}

function lost(log: Logger): RunOutcome {
  log.warn('Another instance took this job over after its lease expired; this run’s outcome was discarded');
  return 'lost';
}

/** A handler can pick its retry delay by throwing an error with a numeric `retryAfterMs` (e.g. from Retry-After). */
function requestedDelay(err: unknown): number | undefined {
  const value = typeof err === 'object' && err !== null ? (err as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
