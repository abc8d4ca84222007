import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connection, Types } from 'mongoose';
import { createModels, type Models } from '../../src/stores.js';
import { ErrorCode } from '../../src/errors.js';
import { changeJobState, stateOf, type JobDoc } from '../../src/jobs/job-model.js';
import { JobRunner, retryDelayMs, type JobHandlers, type JobRun, type JobRunnerOptions } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/log/logger.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';

let conn: Connection;
let models: Models;

beforeAll(async () => {
  conn = await connectTestDatabase('jobs');
  models = createModels(conn);
  for (const model of [models.jobs, models.jobFences, models.jobSchedules]) await model.createIndexes();
});
afterAll(async () => dropTestDatabase(conn));
beforeEach(async () => {
  await models.jobs.deleteMany({});
  await models.jobFences.deleteMany({});
});

const T0 = '2026-01-05T09:00:00.000Z';
const LEASE = 60_000;

/** A clock tests move by hand. */
function fakeClock(start = T0) {
  let now = new Date(start);
  const clock = () => now;
  clock.advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  return clock;
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function makeRunner<H extends JobHandlers>(handlers: H, options: Partial<JobRunnerOptions<H>> = {}) {
  return new JobRunner({ models, handlers, clock: fakeClock(), logger: createLogger({ level: 'silent' }), instanceId: 'test', leaseMs: LEASE, ...options });
}

async function stored(id: Types.ObjectId): Promise<JobDoc> {
  const job = await models.jobs.findById(id).lean<JobDoc>();
  if (!job) throw new Error('job vanished');
  return job;
}

/** Claims a job the way a runner does, for an instance that then "crashes" without running it. */
async function claimAndCrash(job: JobDoc, instanceId: string, now: Date): Promise<void> {
  const next = { ...stateOf(job), status: 'running' as const, attempts: job.attempts + 1, lockedBy: instanceId, lockedUntil: new Date(now.getTime() + LEASE) };
  expect(await changeJobState(models, job, next, instanceId, now)).toBeDefined();
}

describe('enqueue', () => {
  const handlers = { a: async (_job: JobRun<{ n: number }>) => 'a', b: async () => 'b' };

  it('returns the existing job for the same name and key, even when enqueued concurrently', async () => {
    const runner = makeRunner(handlers);
    const first = await runner.enqueue('a', { key: 'k1', data: { n: 1 } });
    const again = await runner.enqueue('a', { key: 'k1', data: { n: 2 } });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.job._id.equals(first.job._id)).toBe(true);
    expect(again.job.data).toEqual({ n: 1 });
    expect((await runner.enqueue('b', { key: 'k1', data: {} })).created).toBe(true);

    const racing = await Promise.all(Array.from({ length: 5 }, () => runner.enqueue('a', { key: 'k2', data: { n: 0 } })));
    expect(racing.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(racing.map((r) => r.job._id.toHexString())).size).toBe(1);
    expect(await models.jobs.countDocuments()).toBe(3);
  });

  it('refuses a name without a handler and invalid input, with coded errors', async () => {
    const runner = makeRunner(handlers);
    await expect(runner.enqueue('c' as 'a', { key: 'k', data: { n: 1 } })).rejects.toMatchObject({ code: ErrorCode.JobUnknown });
    await expect(runner.enqueue('a', { key: '', data: { n: 1 } })).rejects.toMatchObject({ code: ErrorCode.JobInvalid });
    await expect(runner.enqueue('a', { key: 'k', data: { n: 1 }, maxAttempts: 0 })).rejects.toMatchObject({ code: ErrorCode.JobInvalid });
    await expect(runner.enqueue('b', { key: 'k', data: { blob: 'x'.repeat(20_000) } })).rejects.toMatchObject({ code: ErrorCode.JobInvalid });
    expect(await models.jobs.countDocuments()).toBe(0);
  });
});

describe('claiming', () => {
  it('runs each of 50 jobs exactly once when two instances race for them', async () => {
    const calls = new Map<string, number>();
    const handlers = {
      count: async (job: JobRun<{ i: number }>) => {
        calls.set(job.key, (calls.get(job.key) ?? 0) + 1);
        return job.data.i;
      },
    };
    const clock = fakeClock();
    const a = makeRunner(handlers, { instanceId: 'a', clock, concurrency: 4 });
    const b = makeRunner(handlers, { instanceId: 'b', clock, concurrency: 4 });
    for (let i = 0; i < 50; i++) await a.enqueue('count', { key: `job-${i}`, data: { i } });

    const [ranA, ranB] = await Promise.all([a.runDue(), b.runDue()]);

    expect(calls.size).toBe(50);
    expect([...calls.values()].filter((n) => n !== 1)).toEqual([]);
    expect(ranA.done + ranB.done).toBe(50);
    // Both instances took part, or the race proved nothing.
    expect(ranA.done).toBeGreaterThan(0);
    expect(ranB.done).toBeGreaterThan(0);
    expect(await models.jobs.countDocuments({ status: 'done', attempts: 1 })).toBe(50);
  });

  it('takes over a job whose holder crashed, once its lease has expired', async () => {
    const clock = fakeClock();
    const survivor = makeRunner({ work: async (job: JobRun) => `ran attempt ${job.attempt}` }, { instanceId: 'survivor', clock });
    const { job } = await survivor.enqueue('work', { key: 'k', data: {} });
    await claimAndCrash(job, 'crashed', clock());

    expect((await survivor.runDue()).done).toBe(0);
    clock.advance(LEASE + 1);
    expect((await survivor.runDue()).done).toBe(1);
    expect(await stored(job._id)).toMatchObject({ status: 'done', attempts: 2, lockedBy: 'survivor', result: 'ran attempt 2' });
  });

  it('repairs a job whose claimer died between winning the claim and writing it', async () => {
    const clock = fakeClock();
    const runner = makeRunner({ work: async () => 'ok' }, { instanceId: 'live', clock });
    const { job } = await runner.enqueue('work', { key: 'k', data: {} });
    // The fence is written but the job itself never was.
    const ghost = { ...stateOf(job), status: 'running' as const, attempts: 1, lockedBy: 'ghost', lockedUntil: new Date(clock().getTime() + LEASE) };
    await models.jobFences.create({ _id: `${job._id.toHexString()}:1`, jobId: job._id, fence: 1, by: 'ghost', at: clock(), state: ghost });

    clock.advance(10_000);
    expect(await runner.runDue()).toMatchObject({ done: 0 });
    expect(await stored(job._id)).toMatchObject({ status: 'running', lockedBy: 'ghost', fence: 1 });
    clock.advance(LEASE);
    expect(await runner.runDue()).toMatchObject({ done: 1 });
    expect(await stored(job._id)).toMatchObject({ status: 'done', attempts: 2, lockedBy: 'live' });
  });

  it('marks a job dead when its lease expired on the last allowed attempt', async () => {
    const clock = fakeClock();
    let calls = 0;
    const runner = makeRunner({ work: async () => ++calls }, { clock });
    const { job } = await runner.enqueue('work', { key: 'k', data: {}, maxAttempts: 1 });
    await claimAndCrash(job, 'crashed', clock());
    clock.advance(LEASE + 1);

    expect(await runner.runDue()).toMatchObject({ dead: 1 });
    expect(calls).toBe(0);
    expect((await stored(job._id)).lastError).toMatch(/lease expired/);
  });
});

describe('a stale holder', () => {
  it('cannot mark done a job another instance took over and finished', async () => {
    const clock = fakeClock();
    const started = deferred();
    const release = deferred();
    const slow = makeRunner({ work: async () => (started.resolve(), await release.promise, 'from slow') }, { instanceId: 'slow', clock });
    const fast = makeRunner({ work: async () => 'from fast' }, { instanceId: 'fast', clock });
    const { job } = await slow.enqueue('work', { key: 'k', data: {} });

    const slowRun = slow.runDue();
    await started.promise;
    clock.advance(LEASE + 1);
    expect((await fast.runDue()).done).toBe(1);
    release.resolve();

    expect(await slowRun).toMatchObject({ done: 0, lost: 1 });
    expect(await stored(job._id)).toMatchObject({ status: 'done', result: 'from fast', lockedBy: 'fast', attempts: 2 });
  });

  it('finds extendLease failing and its signal aborted once the job was taken over', async () => {
    const clock = fakeClock();
    const running = deferred();
    const extendNow = deferred();
    const extended = deferred();
    const finish = deferred();
    let lateExtend: unknown;
    let abortedAtEnd = false;
    const holder = makeRunner(
      {
        work: async (_job: JobRun, ctx) => {
          running.resolve();
          await extendNow.promise;
          await ctx.extendLease();
          extended.resolve();
          await finish.promise;
          lateExtend = await ctx.extendLease().catch((err: unknown) => err);
          abortedAtEnd = ctx.signal.aborted;
          return 'late';
        },
      },
      { instanceId: 'holder', clock },
    );
    const other = makeRunner({ work: async () => 'other' }, { instanceId: 'other', clock });
    const { job } = await holder.enqueue('work', { key: 'k', data: {} });

    const holderRun = holder.runDue();
    await running.promise;
    clock.advance(50_000);
    extendNow.resolve();
    await extended.promise;
    expect((await stored(job._id)).lockedUntil).toEqual(new Date(clock().getTime() + LEASE));

    clock.advance(30_000); // past the first lease, inside the extended one
    expect((await other.runDue()).done).toBe(0);
    clock.advance(31_000);
    expect((await other.runDue()).done).toBe(1);
    finish.resolve();

    expect(await holderRun).toMatchObject({ lost: 1 });
    expect(lateExtend).toMatchObject({ name: 'AbortError' });
    expect(abortedAtEnd).toBe(true);
    expect(await stored(job._id)).toMatchObject({ status: 'done', result: 'other' });
  });
});

describe('failures', () => {
  it('retries with exponential back-off, then marks the job dead', async () => {
    const clock = fakeClock();
    let calls = 0;
    const runner = makeRunner(
      {
        flaky: async () => {
          calls++;
          throw new Error(`boom ${calls}`);
        },
      },
      { clock, random: () => 0.5 },
    );
    const { job } = await runner.enqueue('flaky', { key: 'k', data: {}, maxAttempts: 3 });

    expect(await runner.runDue()).toMatchObject({ retrying: 1 });
    let after = await stored(job._id);
    expect(after).toMatchObject({ status: 'failed', attempts: 1, lastError: 'boom 1', lockedBy: null, lockedUntil: null });
    expect(after.runAt).toEqual(new Date(clock().getTime() + 30_000));

    clock.advance(29_999);
    expect(await runner.runDue()).toMatchObject({ retrying: 0, dead: 0 });
    clock.advance(1);
    expect(await runner.runDue()).toMatchObject({ retrying: 1 });
    expect((await stored(job._id)).runAt).toEqual(new Date(clock().getTime() + 60_000));

    clock.advance(60_000);
    expect(await runner.runDue()).toMatchObject({ dead: 1 });
    after = await stored(job._id);
    expect(after).toMatchObject({ status: 'dead', attempts: 3, lastError: 'boom 3', lastErrorCode: null, lockedUntil: null });
    expect(after.finishedAt).toEqual(clock());

    clock.advance(24 * 3_600_000);
    expect(await runner.runDue()).toMatchObject({ retrying: 0, dead: 0 });
    expect(calls).toBe(3);
  });

  it('waits the delay a handler asks for with retryAfterMs', async () => {
    const clock = fakeClock();
    const runner = makeRunner({ limited: async () => Promise.reject(Object.assign(new Error('rate limited'), { retryAfterMs: 5_000 })) }, { clock });
    const { job } = await runner.enqueue('limited', { key: 'k', data: {} });
    await runner.runDue();
    expect((await stored(job._id)).runAt).toEqual(new Date(clock().getTime() + 5_000));
  });

  it('marks a job with no handler dead at once, with the JobUnknown code', async () => {
    const producer = makeRunner({ retired: async () => 'never' });
    const consumer = makeRunner({ current: async () => 'other' });
    const { job } = await producer.enqueue('retired', { key: 'k', data: {} });

    expect(await consumer.runDue()).toMatchObject({ dead: 1 });
    const after = await stored(job._id);
    expect(after).toMatchObject({ status: 'dead', attempts: 1, lastErrorCode: ErrorCode.JobUnknown });
    expect(after.lastError).toContain('"retired"');
  });

  it('computes back-off as 30 s doubling per attempt, jittered ±20 %, capped at an hour', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, undefined, mid))).toEqual([30_000, 60_000, 120_000, 240_000, 480_000]);
    expect(retryDelayMs(2, undefined, () => 0)).toBe(48_000);
    expect(retryDelayMs(2, undefined, () => 1)).toBe(72_000);
    expect(retryDelayMs(20, undefined, () => 1)).toBe(3_600_000);
  });
});

describe('start and stop', () => {
  it('stop() waits for the running job to finish', async () => {
    const started = deferred();
    const release = deferred();
    const runner = makeRunner({ slow: async () => (started.resolve(), await release.promise, 'finished') }, { pollMs: 10 });
    runner.start();
    const { job } = await runner.enqueue('slow', { key: 'k', data: {} });
    await started.promise;

    let stopped = false;
    const stopping = runner.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50)); // let stop() return early, if it wrongly would
    expect(stopped).toBe(false);
    release.resolve();
    await stopping;
    expect(await stored(job._id)).toMatchObject({ status: 'done', result: 'finished' });
  });

  it('aborts a job still running after the grace period and leaves it to its lease', async () => {
    const clock = fakeClock();
    const started = deferred();
    const waitForAbort = async (_job: JobRun, ctx: { signal: AbortSignal }) => {
      started.resolve();
      await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
    };
    const stopping = makeRunner({ work: waitForAbort }, { instanceId: 'stopping', clock, pollMs: 10 });
    stopping.start();
    const { job } = await stopping.enqueue('work', { key: 'k', data: {} });
    await started.promise;
    await stopping.stop({ graceMs: 10 });

    expect(await stored(job._id)).toMatchObject({ status: 'running', lockedBy: 'stopping', attempts: 1 });
    const next = makeRunner({ work: async () => 'resumed' }, { instanceId: 'next', clock });
    clock.advance(LEASE + 1);
    expect((await next.runDue()).done).toBe(1);
    expect(await stored(job._id)).toMatchObject({ status: 'done', attempts: 2, result: 'resumed' });
  });

  it('gives each run a child logger carrying the job and school', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
    const runner = makeRunner({ work: async (_job: JobRun, ctx) => ctx.logger.info('working') }, { logger });
    const { job } = await runner.enqueue('work', { key: 'k', data: {}, schoolId: 'northgate' });
    await runner.runDue();
    expect(lines.find((l) => l.msg === 'working')).toMatchObject({ jobId: job._id.toHexString(), jobName: 'work', schoolId: 'northgate', attempt: 1 });
  });
});
