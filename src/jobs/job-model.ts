import { Schema, type Model, type Types } from 'mongoose';
import { ErrorCode, LanternError } from '../errors.js';
import { isDuplicateKey } from '../db/errors.js';

/** Where a job is: queued → running → done; a failed attempt waits as `failed` until its retry; `dead` is final. */
export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'dead'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * The fields a state change rewrites. Every change writes all of them, so a stored job is always one
 * whole version of its state, never a mix of two writers' fields.
 */
export interface JobState {
  status: JobStatus;
  runAt: Date;
  attempts: number;
  lockedBy: string | null;
  /** The lease: after this instant another instance may take the job over. */
  lockedUntil: Date | null;
  lastError: string | null;
  /** The LanternError code of the last failure, when it had one, so callers need not read the message. */
  lastErrorCode: string | null;
  result: unknown;
  finishedAt: Date | null;
}

/** A job as stored in `jobs`. */
export interface JobDoc extends JobState {
  _id: Types.ObjectId;
  name: string;
  /** Idempotency key, unique per name: enqueueing the same (name, key) again returns the first job. */
  key: string;
  schoolId: string | null;
  data: unknown;
  maxAttempts: number;
  /** Number of the last state change; the next change must win fence `fence + 1` (see `changeJobState`). */
  fence: number;
  createdAt: Date;
  updatedAt: Date;
}

export const jobSchema = new Schema<JobDoc>(
  {
    name: { type: String, required: true },
    key: { type: String, required: true },
    schoolId: { type: String, default: null },
    data: { type: Schema.Types.Mixed, default: null },
    status: { type: String, enum: JOB_STATUSES, required: true },
    runAt: { type: Date, required: true },
    attempts: { type: Number, required: true, default: 0 },
    maxAttempts: { type: Number, required: true },
    lockedBy: { type: String, default: null },
    lockedUntil: { type: Date, default: null },
    lastError: { type: String, default: null },
    lastErrorCode: { type: String, default: null },
    result: { type: Schema.Types.Mixed, default: null },
    finishedAt: { type: Date, default: null },
    fence: { type: Number, required: true, default: 0 },
  },
  // minimize: false keeps `data: {}` as stored rather than dropping it.
  { timestamps: true, strict: 'throw', minimize: false, versionKey: false },
);
jobSchema.index({ name: 1, key: 1 }, { unique: true });
jobSchema.index({ status: 1, runAt: 1 });
jobSchema.index({ status: 1, lockedUntil: 1 });

/** One state change of one job, keyed `${jobId}:${fence}`, with the whole state it set. */
export interface JobFenceDoc {
  _id: string;
  jobId: Types.ObjectId;
  fence: number;
  by: string;
  at: Date;
  state: JobState;
}

export const jobFenceSchema = new Schema<JobFenceDoc>(
  {
    _id: { type: String, required: true },
    jobId: { type: Schema.Types.ObjectId, required: true },
    fence: { type: Number, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
    state: { type: Schema.Types.Mixed, required: true },
  },
  { strict: 'throw', minimize: false, versionKey: false },
);
jobFenceSchema.index({ jobId: 1, fence: -1 });

// Data and results are meant to be ids and counts, not documents; bigger payloads belong in their own collection.
const MAX_JSON_CHARS = 16_000;
const MAX_KEY_CHARS = 512;

/** Checks what enqueue was given and returns the data as the JSON it will be stored as. */
export function checkJobInput(name: string, options: { key: string; data: unknown; maxAttempts?: number | undefined }): unknown {
  const invalid = (why: string) => new LanternError(ErrorCode.JobInvalid, `Cannot enqueue job "${name}": ${why}`);
  if (typeof options.key !== 'string' || options.key.length === 0 || options.key.length > MAX_KEY_CHARS) throw invalid(`key must be 1–${MAX_KEY_CHARS} characters.`);
  if (options.maxAttempts !== undefined && (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1)) throw invalid('maxAttempts must be a whole number of at least 1.');
  let json: string | undefined;
  try {
    json = JSON.stringify(options.data ?? null);
  } catch (err) {
    throw invalid(`data is not JSON (${(err as Error).message}).`);
  }
  if (json === undefined) throw invalid('data is not JSON.');
  if (json.length > MAX_JSON_CHARS) throw invalid(`data is ${json.length} characters of JSON; keep it under ${MAX_JSON_CHARS} and store bulk elsewhere.`);
  return JSON.parse(json) as unknown;
}

/** Results are stored as JSON; anything too big or not JSON is replaced by a note saying so. */
export function toStoredResult(value: unknown): unknown {
  try {
    const json = JSON.stringify(value ?? null);
    if (json === undefined) return null;
    return json.length > MAX_JSON_CHARS ? { omitted: 'result too large to store', chars: json.length } : (JSON.parse(json) as unknown);
  } catch {
    return { omitted: 'result is not JSON' };
  }
}

export type JobModel = Model<JobDoc>;
export type JobFenceModel = Model<JobFenceDoc>;

/** The two collections a job's state lives in. */
export interface JobStores {
  jobs: JobModel;
  jobFences: JobFenceModel;
}

/** The state part of a stored job. */
export function stateOf(job: JobDoc): JobState {
  const { status, runAt, attempts, lockedBy, lockedUntil, lastError, lastErrorCode, result, finishedAt } = job;
  return { status, runAt, attempts, lockedBy, lockedUntil, lastError, lastErrorCode, result, finishedAt };
}

/**
 * Moves `from` (the version read) to `next`. FerretDB v1 applies an update by reading the document and
 * writing it back whole, with nothing in between held, so two "conditional" updates or findOneAndUpdates
 * can both succeed (and $inc loses counts). Inserts into a unique key are the one thing it serialises.
 * So the change first inserts fence `from.fence + 1`: whoever inserts it owns the change, everyone else
 * gets E11000 and `undefined`. Resolves to the new version when this caller won.
 */
export async function changeJobState(stores: JobStores, from: JobDoc, next: JobState, by: string, now: Date): Promise<JobDoc | undefined> {
  const fence = from.fence + 1;
  try {
    await stores.jobFences.create({ _id: `${from._id.toHexString()}:${fence}`, jobId: from._id, fence, by, at: now, state: next });
  } catch (err) {
    if (isDuplicateKey(err)) return undefined;
    throw err;
  }
  // On MongoDB the fence filter also stops a late write regressing the job; on FerretDB it narrows the
  // window, and `rollForward` repairs what slips through.
  await stores.jobs.updateOne({ _id: from._id, fence: { $lt: fence } }, { $set: { ...next, fence } });
  return { ...from, ...next, fence };
}

/**
 * Repairs a job whose stored version is behind its newest fence: the instance that won the fence died
 * (or stalled) before writing the job. Waits `graceMs` after the fence so a live writer finishes first;
 * the repair writes the state the fence recorded, so a late original write changes nothing.
 * Resolves true when it wrote.
 */
export async function rollForward(stores: JobStores, job: JobDoc, now: Date, graceMs: number): Promise<boolean> {
  const newest = await stores.jobFences.findOne({ jobId: job._id, fence: { $gt: job.fence } }).sort({ fence: -1 }).lean<JobFenceDoc>();
  if (!newest || now.getTime() - newest.at.getTime() < graceMs) return false;
  await stores.jobs.updateOne({ _id: job._id, fence: { $lt: newest.fence } }, { $set: { ...newest.state, fence: newest.fence } });
  return true;
}

// The handler is told to stop a little before the lease runs out, so it has stopped before another instance may start.
const LEASE_ABORT_FRACTION = 0.9;

/** What a held job needs to change its own state. */
export interface HoldDeps {
  stores: JobStores;
  clock: () => Date;
  instanceId: string;
  leaseMs: number;
}

/** A job this instance has claimed: its latest version, its lease and its abort signal. Changes go one at a time. */
export class HeldJob {
  version: JobDoc;
  /** Set when stop() gave up waiting; the outcome is then left for the lease to expire. */
  abandoned = false;
  private readonly controller = new AbortController();
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    claimed: JobDoc,
    private readonly deps: HoldDeps,
  ) {
    this.version = claimed;
    this.armLeaseTimer();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Applies `patch` to the latest version if this instance still holds the job; false, and aborts, if not. */
  change(patch: Partial<JobState>): Promise<boolean> {
    const attempt = this.queue.then(async () => {
      const next = { ...stateOf(this.version), ...patch };
      const won = await changeJobState(this.deps.stores, this.version, next, this.deps.instanceId, this.deps.clock());
      if (won) {
        this.version = won;
        return true;
      }
      this.abort('Another instance took this job over after its lease expired.');
      return false;
    });
    this.queue = attempt.catch(() => undefined);
    return attempt;
  }

  /** Pushes the lease leaseMs past now; rejects with the signal's reason when the job is no longer held. */
  async extendLease(): Promise<void> {
    if (this.signal.aborted) throw this.signal.reason;
    if (!(await this.change({ lockedUntil: new Date(this.deps.clock().getTime() + this.deps.leaseMs) }))) throw this.signal.reason;
    this.armLeaseTimer();
  }

  /** Aborts the handler because the runner is stopping. */
  abandon(): void {
    this.abandoned = true;
    this.abort('Lantern is stopping; the job will be retried by another instance.');
  }

  /** Clears the lease timer once the run is over. */
  release(): void {
    clearTimeout(this.timer);
  }

  private armLeaseTimer(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.abort('The lease is running out; long jobs must call extendLease().'), this.deps.leaseMs * LEASE_ABORT_FRACTION);
    this.timer.unref();
  }

  private abort(why: string): void {
    if (!this.signal.aborted) this.controller.abort(new DOMException(why, 'AbortError'));
  }
}
