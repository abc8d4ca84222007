import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { createModels, type Models } from '../../src/stores.js';
import { ErrorCode } from '../../src/errors.js';
import type { JobDoc } from '../../src/jobs/job-model.js';
import { JobRunner, type JobRun } from '../../src/jobs/runner.js';
import { compileCron, dueOccurrence, JobScheduler, type ScheduledData } from '../../src/jobs/scheduler.js';
import type { ScheduleDoc } from '../../src/jobs/schedule-model.js';
import { createLogger } from '../../src/log/logger.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { connectMeteredDatabase } from '../agreements/sim/meter.js';

let conn: Connection;
let models: Models;

beforeAll(async () => {
  conn = await connectTestDatabase('schedules');
  models = createModels(conn);
  for (const model of [models.jobs, models.jobFences, models.jobSchedules]) await model.createIndexes();
});
afterAll(async () => dropTestDatabase(conn));
beforeEach(async () => {
  await models.jobs.deleteMany({});
  await models.jobSchedules.deleteMany({});
});

const handlers = {
  digest: async (job: JobRun<ScheduledData>) => job.data.scheduledFor,
  scan: async (job: JobRun<{ scope: string }>) => job.data.scope,
};

const WEEKLY = { name: 'weekly-digest', cron: '0 7 * * 1', timezone: 'Europe/London', jobName: 'digest' } as const;

function fakeClock(start: string) {
  let now = new Date(start);
  const clock = () => now;
  clock.set = (iso: string | Date) => {
    now = new Date(iso);
  };
  return clock;
}

function makeScheduler(clock: () => Date, instanceId = 'one') {
  const logger = createLogger({ level: 'silent' });
  const runner = new JobRunner({ models, handlers, clock, logger, instanceId });
  return new JobScheduler({ models, runner, clock, logger });
}

/** "Mon 07:00" as a clock on the wall in London reads it. */
function londonWall(date: Date): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date).replace(',', '');
}

/** Ticks every `stepMs` from `from` to `to` and returns the occurrences enqueued, with the tick that did it. */
async function sweep(scheduler: JobScheduler<typeof handlers>, clock: ReturnType<typeof fakeClock>, from: string, to: string, stepMs: number) {
  const enqueued: { occurrence: Date; at: Date }[] = [];
  for (let t = new Date(from).getTime(); t <= new Date(to).getTime(); t += stepMs) {
    clock.set(new Date(t));
    for (const tick of await scheduler.tick()) {
      expect(tick.error).toBeUndefined();
      if (tick.created && tick.occurrence) enqueued.push({ occurrence: tick.occurrence, at: clock() });
    }
  }
  return enqueued;
}

async function jobs(): Promise<JobDoc[]> {
  return models.jobs.find().sort({ runAt: 1 }).lean<JobDoc[]>();
}

describe('schedules', () => {
  it('starts from now on first sight, then enqueues each occurrence once', async () => {
    const clock = fakeClock('2026-03-02T09:00:00Z'); // a Monday, after 07:00
    const scheduler = makeScheduler(clock);
    scheduler.registerSchedule(WEEKLY);
    expect(await scheduler.tick()).toEqual([]);
    expect(await models.jobSchedules.findOne({ name: WEEKLY.name }).lean<ScheduleDoc>()).toMatchObject({ lastEnqueuedFor: clock() });

    clock.set('2026-03-09T06:59:59Z');
    expect(await scheduler.tick()).toEqual([]);
    clock.set('2026-03-09T07:00:00Z');
    expect(await scheduler.tick()).toMatchObject([{ schedule: WEEKLY.name, created: true, skipped: 0 }]);
    clock.set('2026-03-09T07:00:30Z');
    expect(await scheduler.tick()).toEqual([]);

    expect(await jobs()).toMatchObject([
      { name: 'digest', key: 'weekly-digest:2026-03-09T07:00:00.000Z', runAt: new Date('2026-03-09T07:00:00Z'), data: { scheduledFor: '2026-03-09T07:00:00.000Z' }, status: 'queued' },
    ]);
  });

  it('after downtime, enqueues only the latest missed occurrence and reports the skipped ones', async () => {
    const clock = fakeClock('2026-03-01T12:00:00Z');
    const scheduler = makeScheduler(clock);
    scheduler.registerSchedule(WEEKLY);
    await scheduler.tick();

    clock.set('2026-03-25T12:00:00Z'); // missed Mondays 2, 9, 16 and 23 March
    expect(await scheduler.tick()).toMatchObject([{ occurrence: new Date('2026-03-23T07:00:00Z'), created: true, skipped: 3 }]);
    expect(await scheduler.tick()).toEqual([]);
    expect((await jobs()).map((j) => j.key)).toEqual(['weekly-digest:2026-03-23T07:00:00.000Z']);
  });

  it('keeps Monday 07:00 London time across the spring clock change (29 March 2026)', async () => {
    const clock = fakeClock('2026-03-21T12:00:00Z');
    const scheduler = makeScheduler(clock);
    scheduler.registerSchedule(WEEKLY);
    const enqueued = await sweep(scheduler, clock, '2026-03-21T12:00:00Z', '2026-04-07T12:00:00Z', 3_600_000);

    expect(enqueued.map((e) => e.occurrence.toISOString())).toEqual(['2026-03-23T07:00:00.000Z', '2026-03-30T06:00:00.000Z', '2026-04-06T06:00:00.000Z']);
    for (const { occurrence, at } of enqueued) {
      expect(londonWall(occurrence)).toBe('Mon 07:00');
      expect(at).toEqual(occurrence); // enqueued at the first tick at or after it, not an hour either way
    }
  });

  it('keeps Monday 07:00 London time across the autumn clock change (25 October 2026)', async () => {
    const clock = fakeClock('2026-10-17T12:00:00Z');
    const scheduler = makeScheduler(clock);
    scheduler.registerSchedule(WEEKLY);
    const enqueued = await sweep(scheduler, clock, '2026-10-17T12:00:00Z', '2026-11-03T12:00:00Z', 3_600_000);

    expect(enqueued.map((e) => e.occurrence.toISOString())).toEqual(['2026-10-19T06:00:00.000Z', '2026-10-26T07:00:00.000Z', '2026-11-02T07:00:00.000Z']);
    for (const { occurrence, at } of enqueued) {
      expect(londonWall(occurrence)).toBe('Mon 07:00');
      expect(at).toEqual(occurrence);
    }
  });

  it('runs a daily 01:30 once on each changeover day, though 01:30 is skipped in March and repeated in October', async () => {
    const clock = fakeClock('2026-03-27T12:00:00Z');
    const scheduler = makeScheduler(clock);
    scheduler.registerSchedule({ name: 'nightly', cron: '30 1 * * *', timezone: 'Europe/London', jobName: 'digest' });
    const spring = await sweep(scheduler, clock, '2026-03-27T12:00:00Z', '2026-03-31T12:00:00Z', 30 * 60_000);
    // 29 March has no 01:30 in London; it runs at 02:30 BST, the first instant past it.
    expect(spring.map((e) => e.occurrence.toISOString())).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);

    clock.set('2026-10-23T12:00:00Z');
    await models.jobSchedules.updateOne({ name: 'nightly' }, { $set: { lastEnqueuedFor: clock() } });
    const autumn = await sweep(scheduler, clock, '2026-10-23T12:00:00Z', '2026-10-27T12:00:00Z', 30 * 60_000);
    // 25 October has 01:30 twice (BST, then GMT); it runs once, at the second.
    expect(autumn.map((e) => e.occurrence.toISOString())).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T01:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z']);
  });

  it('enqueues each occurrence once when two instances tick at the same moment', async () => {
    const clock = fakeClock('2026-05-01T12:00:00Z');
    const one = makeScheduler(clock, 'one');
    const two = makeScheduler(clock, 'two');
    one.registerSchedule(WEEKLY);
    two.registerSchedule(WEEKLY);
    await Promise.all([one.tick(), two.tick()]);
    expect(await models.jobSchedules.countDocuments()).toBe(1);

    const mondays = ['2026-05-04T06:00:00Z', '2026-05-11T06:00:00Z', '2026-05-18T06:00:00Z', '2026-05-25T06:00:00Z'];
    for (const monday of mondays) {
      clock.set(monday);
      const [a, b] = await Promise.all([one.tick(), two.tick()]);
      expect([...(a ?? []), ...(b ?? [])].filter((t) => t.created)).toHaveLength(1);
    }
    expect((await jobs()).map((j) => j.runAt.toISOString())).toEqual(mondays.map((m) => new Date(m).toISOString()));
    expect(await models.jobSchedules.findOne({ name: WEEKLY.name }).lean<ScheduleDoc>()).toMatchObject({ lastEnqueuedFor: new Date(mondays[3] as string) });
  });

  it('does not move lastEnqueuedFor back when an instance with a slow clock ticks later', async () => {
    const fast = fakeClock('2026-06-01T12:00:00Z');
    const slow = fakeClock('2026-06-01T12:00:00Z');
    const ahead = makeScheduler(fast, 'ahead');
    const behind = makeScheduler(slow, 'behind');
    ahead.registerSchedule(WEEKLY);
    behind.registerSchedule(WEEKLY);
    await ahead.tick();
    fast.set('2026-06-15T06:01:00Z');
    await ahead.tick();
    slow.set('2026-06-08T06:01:00Z');
    expect(await behind.tick()).toEqual([]);
    expect(await models.jobSchedules.findOne({ name: WEEKLY.name }).lean<ScheduleDoc>()).toMatchObject({ lastEnqueuedFor: new Date('2026-06-15T06:00:00Z') });
  });

  it('builds data, key and school from the definition', async () => {
    const clock = fakeClock('2026-02-01T00:00:00Z');
    const scheduler = makeScheduler(clock);
    scheduler.registerSchedule({ name: 'hourly-scan', cron: '0 * * * *', timezone: 'Europe/London', jobName: 'scan', schoolId: 'northgate', key: (at) => `scan@${at.getTime()}`, data: () => ({ scope: 'shares' }) });
    // A handler whose data is not `{ scheduledFor }` needs `data`; the compiler says so.
    // @ts-expect-error data is required for "scan"
    const _missingData = () => scheduler.registerSchedule({ name: 'x', cron: '0 * * * *', timezone: 'UTC', jobName: 'scan' });
    await scheduler.tick();
    clock.set('2026-02-01T01:00:00Z');
    await scheduler.tick();
    expect(await jobs()).toMatchObject([{ name: 'scan', key: `scan@${new Date('2026-02-01T01:00:00Z').getTime()}`, schoolId: 'northgate', data: { scope: 'shares' } }]);
  });

  it('costs one database command for a tick with nothing due, however many schedules there are', async () => {
    const { conn: metered, meter } = await connectMeteredDatabase('schedules_cost');
    try {
      const own = createModels(metered);
      await own.jobSchedules.createIndexes();
      const clock = fakeClock('2026-03-02T09:00:00Z');
      const logger = createLogger({ level: 'silent' });
      const scheduler = new JobScheduler({ models: own, runner: new JobRunner({ models: own, handlers, clock, logger, instanceId: 'one' }), clock, logger });
      scheduler.registerSchedule(WEEKLY);
      scheduler.registerSchedule({ ...WEEKLY, name: 'nightly-digest', cron: '0 2 * * *' });
      scheduler.registerSchedule({ name: 'hourly-scan', cron: '0 * * * *', timezone: 'Europe/London', jobName: 'scan', data: { scope: 'shares' } });
      await scheduler.tick();
      clock.set('2026-03-02T09:30:00Z');
      meter.phase = 'quiet tick';
      expect(await scheduler.tick()).toEqual([]);
      expect(meter.phases.get('quiet tick')?.commands).toBe(1);
    } finally {
      await dropTestDatabase(metered);
    }
  });

  it('rejects a bad cron, an unknown time zone and a name used twice', () => {
    const scheduler = makeScheduler(fakeClock('2026-01-01T00:00:00Z'));
    expect(() => scheduler.registerSchedule({ ...WEEKLY, cron: '61 7 * * 1' })).toThrow(expect.objectContaining({ code: ErrorCode.JobInvalid }));
    expect(() => scheduler.registerSchedule({ ...WEEKLY, timezone: 'Europe/Londn' })).toThrow(expect.objectContaining({ code: ErrorCode.JobInvalid }));
    scheduler.registerSchedule(WEEKLY);
    expect(() => scheduler.registerSchedule(WEEKLY)).toThrow(expect.objectContaining({ code: ErrorCode.JobInvalid }));
  });
});

describe('dueOccurrence', () => {
  const minutely = compileCron('minutely', '* * * * *', 'UTC');

  it('finds nothing before the next occurrence', () => {
    expect(dueOccurrence(minutely, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:59Z'))).toBeUndefined();
  });

  it('finds the latest of a year of missed minutes without walking them all, counting at most 1,000 skipped', () => {
    const due = dueOccurrence(minutely, new Date('2025-01-01T00:00:00Z'), new Date('2026-01-01T12:34:56Z'));
    expect(due).toEqual({ latest: new Date('2026-01-01T12:34:00Z'), skipped: 1_000 });
  });
});
