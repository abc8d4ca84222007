import { Cron } from 'croner';
import { ErrorCode, LanternError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { JobDataOf, JobHandlers, JobRunner } from './runner.js';
import type { ScheduleDoc, ScheduleModel } from './schedule-model.js';
import { isDuplicateKey } from '../db/errors.js';

/** The data a scheduled job gets when its schedule gives none: the occurrence it is for. */
export interface ScheduledData {
  scheduledFor: string;
}

// `data` may be left out only when the handler accepts the default `{ scheduledFor }`.
type DataOption<D> = ScheduledData extends D ? { data?: D | ((occurrence: Date) => D) } : { data: D | ((occurrence: Date) => D) };

/** A recurring job: at each occurrence of `cron` in `timezone`, `jobName` is enqueued once across all instances. */
export type ScheduleDefinition<H extends JobHandlers, N extends keyof H & string> = {
  name: string;
  /** Five fields (or six, with seconds first), e.g. "0 7 * * 1" for Mondays at 07:00. */
  cron: string;
  /** IANA zone the cron fields are read in, e.g. "Europe/London"; occurrences follow its clock changes. */
  timezone: string;
  jobName: N;
  /** Idempotency key per occurrence; default `${name}:${occurrence ISO}`. */
  key?: (occurrence: Date) => string;
  schoolId?: string;
} & DataOption<JobDataOf<H, N>>;

/** What one tick did for one schedule. */
export interface ScheduleTick {
  schedule: string;
  occurrence?: Date;
  jobId?: string;
  /** False when another instance had already enqueued this occurrence. */
  created?: boolean;
  /** Missed occurrences before `occurrence` that were not enqueued (a lower bound past 1,000). */
  skipped?: number;
  error?: string;
}

/** The latest due occurrence and how many earlier ones it stands for. */
export interface DueOccurrence {
  latest: Date;
  skipped: number;
}

const HOUR = 3_600_000;
// Windows searched, nearest first, for the latest occurrence, so a minutely schedule down for a year is not walked minute by minute.
const LOOKBACK_MS = [HOUR, 24 * HOUR, 32 * 24 * HOUR, 367 * 24 * HOUR];
// Counting is only for the log line, and croner takes ~0.3 ms per step.
const MAX_COUNTED = 1_000;

/**
 * The latest occurrence in (after, now], or undefined when none is due. Catch-up policy: only the latest
 * missed occurrence runs; earlier ones are counted and skipped, because every scheduled job here (digest,
 * scans, escalations) works from the current state, so running a stale one again would only repeat it.
 */
export function dueOccurrence(cron: Cron, after: Date, now: Date): DueOccurrence | undefined {
  const first = cron.nextRun(after);
  if (!first || first > now) return undefined;
  let from = first;
  for (const back of LOOKBACK_MS) {
    const candidate = cron.nextRun(new Date(Math.max(after.getTime(), now.getTime() - back)));
    if (candidate && candidate <= now) {
      from = candidate;
      break;
    }
  }
  let latest = from;
  for (let next = cron.nextRun(latest); next && next <= now; next = cron.nextRun(latest)) latest = next;
  let skipped = 0;
  for (let at: Date | null = first; at && at < latest && skipped < MAX_COUNTED; at = cron.nextRun(at)) skipped++;
  return { latest, skipped };
}

/** Reads a cron pattern in a time zone, failing with a message that names the schedule. */
export function compileCron(schedule: string, pattern: string, timezone: string): Cron {
  try {
    const cron = new Cron(pattern, { timezone, paused: true });
    cron.nextRun(new Date(0));
    return cron;
  } catch (err) {
    throw new LanternError(ErrorCode.JobInvalid, `Schedule "${schedule}" has an invalid cron "${pattern}" or time zone "${timezone}": ${(err as Error).message}`, { cause: err });
  }
}

interface Registered {
  name: string;
  pattern: string;
  timezone: string;
  cron: Cron;
  jobName: string;
  key: (occurrence: Date) => string;
  data: (occurrence: Date) => unknown;
  schoolId: string | undefined;
}

/** How a scheduler is built; tickMs defaults to 30 s. */
export interface JobSchedulerOptions<H extends JobHandlers> {
  models: { jobSchedules: ScheduleModel };
  /** Schedules enqueue through the runner, so the job name and data are checked against its handlers. */
  runner: JobRunner<H>;
  clock: () => Date;
  logger: Logger;
  tickMs?: number;
}

/** Turns recurring schedules into jobs; every instance may run one, and each occurrence is enqueued once. */
export class JobScheduler<H extends JobHandlers> {
  private readonly registered = new Map<string, Registered>();
  private readonly tickMs: number;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: JobSchedulerOptions<H>) {
    this.tickMs = options.tickMs ?? 30_000;
  }

  /** Adds a schedule; throws JobInvalid for a bad cron, time zone or a name registered twice. */
  registerSchedule<N extends keyof H & string>(definition: ScheduleDefinition<H, N>): void {
    const { name, cron, timezone, jobName, key, schoolId } = definition;
    if (this.registered.has(name)) throw new LanternError(ErrorCode.JobInvalid, `Schedule "${name}" is registered twice; give each schedule its own name.`);
    const data: unknown = definition.data;
    this.registered.set(name, {
      name,
      pattern: cron,
      timezone,
      cron: compileCron(name, cron, timezone),
      jobName,
      key: key ?? ((occurrence) => `${name}:${occurrence.toISOString()}`),
      data: typeof data === 'function' ? (data as (occurrence: Date) => unknown) : (occurrence) => data ?? ({ scheduledFor: occurrence.toISOString() } satisfies ScheduledData),
      schoolId,
    });
  }

  /** Enqueues what is due for every schedule once; a failing schedule is logged and does not stop the others. */
  async tick(): Promise<ScheduleTick[]> {
    const ticks: ScheduleTick[] = [];
    // One read for every schedule's record, so a tick with nothing due costs a single query.
    let records: Map<string, ScheduleDoc> | undefined;
    try {
      const found = await this.options.models.jobSchedules.find({ name: { $in: [...this.registered.keys()] } }).lean<ScheduleDoc[]>();
      records = new Map(found.map((doc) => [doc.name, doc]));
    } catch (err) {
      this.options.logger.error({ err }, 'Reading the schedules failed; trying again next tick');
      return [...this.registered.keys()].map((schedule) => ({ schedule, error: (err as Error).message }));
    }
    for (const schedule of this.registered.values()) {
      try {
        const tick = await this.tickOne(schedule, records.get(schedule.name));
        if (tick) ticks.push(tick);
      } catch (err) {
        this.options.logger.error({ err, schedule: schedule.name }, 'Schedule tick failed; trying again next tick');
        ticks.push({ schedule: schedule.name, error: (err as Error).message });
      }
    }
    return ticks;
  }

  /** Ticks now and then every tickMs until stop(). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Stops ticking, after any tick in progress. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      await this.tick();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.wake?.(), this.tickMs);
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

  private async tickOne(schedule: Registered, found: ScheduleDoc | undefined): Promise<ScheduleTick | undefined> {
    const { jobSchedules } = this.options.models;
    const now = this.options.clock();
    const stored = await this.stored(schedule, found, now);
    const due = dueOccurrence(schedule.cron, stored.lastEnqueuedFor, now);
    if (!due) return undefined;
    const { job, created } = await this.options.runner.enqueue(schedule.jobName, {
      key: schedule.key(due.latest),
      // The definition's type was checked against the handler when it was registered.
      data: schedule.data(due.latest) as never,
      runAt: due.latest,
      ...(schedule.schoolId === undefined ? {} : { schoolId: schedule.schoolId }),
    });
    // Only forward. FerretDB does not apply this filter atomically, so a racing instance can move it back
    // to an older occurrence; the next tick then finds the same latest occurrence, whose key is taken.
    await jobSchedules.updateOne({ name: schedule.name, lastEnqueuedFor: { $lt: due.latest } }, { $set: { lastEnqueuedFor: due.latest } });
    const log = this.options.logger.child({ schedule: schedule.name, jobId: job._id.toHexString(), occurrence: due.latest.toISOString() });
    if (due.skipped > 0) log.warn({ skipped: due.skipped }, 'Missed occurrences skipped; only the latest was enqueued');
    if (created) log.info('Scheduled job enqueued');
    return { schedule: schedule.name, occurrence: due.latest, jobId: job._id.toHexString(), created, skipped: due.skipped };
  }

  /** The schedule's shared record, created on first sight with nothing due before now. */
  private async stored(schedule: Registered, found: ScheduleDoc | undefined, now: Date): Promise<ScheduleDoc> {
    const { jobSchedules } = this.options.models;
    if (found) {
      if (found.cron !== schedule.pattern || found.timezone !== schedule.timezone) {
        await jobSchedules.updateOne({ name: schedule.name }, { $set: { cron: schedule.pattern, timezone: schedule.timezone } });
        this.options.logger.info({ schedule: schedule.name, cron: schedule.pattern, timezone: schedule.timezone }, 'Schedule changed');
      }
      return found;
    }
    try {
      // An insert, not an upsert: FerretDB reports a unique-key clash on an upsert as a generic error.
      return (await jobSchedules.create({ name: schedule.name, cron: schedule.pattern, timezone: schedule.timezone, lastEnqueuedFor: now })).toObject<ScheduleDoc>();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const winner = await jobSchedules.findOne({ name: schedule.name }).lean<ScheduleDoc>();
      if (!winner) throw err;
      return winner;
    }
  }
}
