import type { Connection } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type LanternConfig } from '../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { digestCron, digestSchedules } from '../../src/digest/jobs.js';
import { JobRunner, JobScheduler } from '../../src/jobs/index.js';
import { createLogger } from '../../src/log/logger.js';
import { jobHandlers } from '../../src/server/jobs.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { digestConfig } from './config-file.js';
import { startGmailStandIn, type GmailStandIn } from './stand-ins.js';
import { jobPortsFor } from '../support/teams.js';

let conn: Connection;
let models: Models;
let gmail: GmailStandIn;
let config: LanternConfig;
const logger = createLogger({ level: 'silent' });

let now = new Date();
const clock = () => now;

function parts(cfg: LanternConfig = config) {
  const config = cfg;
  const runner = new JobRunner({ models, handlers: jobHandlers({ config, models, logger, clock, ...jobPortsFor(config, models, { logger, clock }) }), clock, logger, instanceId: 'fake-clock', random: () => 0.5 });
  const scheduler = new JobScheduler({ models, runner, clock, logger });
  for (const schedule of digestSchedules(config)) scheduler.registerSchedule(schedule);
  return { runner, scheduler };
}

/** Ticks and runs due jobs at `iso`; returns the subjects the stand-in received by then. */
async function at(iso: string, p: ReturnType<typeof parts>) {
  now = new Date(iso);
  const ticks = await p.scheduler.tick();
  await p.runner.runDue();
  return ticks;
}

beforeAll(async () => {
  conn = await connectTestDatabase('digest_schedule');
  models = createModels(conn);
  await ensureIndexes(models);
  gmail = await startGmailStandIn();
  config = digestConfig({ transport: 'gmail', mail: { google: { apiUrl: gmail.url, tokenUrl: gmail.tokenUrl } }, env: { LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: gmail.keyFile } });
});
afterAll(async () => {
  await gmail.close();
  await dropTestDatabase(conn);
});
beforeEach(async () => {
  await models.jobs.deleteMany({});
  await models.jobFences.deleteMany({});
  await models.jobSchedules.deleteMany({});
  await models.digestSends.deleteMany({});
  await models.digestSendAttempts.deleteMany({});
  gmail.received.length = 0;
});

const subjects = () => gmail.received.map((m) => m.parsed.subject?.replace('Northgate Primary — online safety, ', ''));

describe('weekly schedule in Europe/London (fake clock)', () => {
  it('uses the configured day and time', () => {
    expect(digestCron(config.schools[0] as never)).toBe('0 7 * * 1');
  });

  it('sends at 07:00 local on the Mondays either side of the last Sunday of October 2026', async () => {
    const p = parts();
    await at('2026-10-18T12:00:00Z', p); // first sight: nothing due before now
    await at('2026-10-19T05:59:00Z', p); // 06:59 BST
    expect(subjects()).toEqual([]);
    const [tick] = await at('2026-10-19T06:00:30Z', p); // 07:00 BST
    expect(tick?.occurrence?.toISOString()).toBe('2026-10-19T06:00:00.000Z');
    expect(subjects()).toEqual(['week of 12 Oct 2026']);
    // Clocks went back on Sunday 25 October: 07:00 is now 07:00 UTC.
    await at('2026-10-26T06:30:00Z', p);
    expect(subjects()).toHaveLength(1);
    const [after] = await at('2026-10-26T07:00:30Z', p);
    expect(after?.occurrence?.toISOString()).toBe('2026-10-26T07:00:00.000Z');
    expect(subjects()).toEqual(['week of 12 Oct 2026', 'week of 19 Oct 2026']);
  });

  it('sends at 07:00 local on the Mondays either side of the last Sunday of March 2026', async () => {
    const p = parts();
    await at('2026-03-22T12:00:00Z', p);
    const [before] = await at('2026-03-23T07:00:30Z', p); // 07:00 GMT
    expect(before?.occurrence?.toISOString()).toBe('2026-03-23T07:00:00.000Z');
    // Clocks went forward on Sunday 29 March: 07:00 BST is 06:00 UTC.
    const [after] = await at('2026-03-30T06:00:30Z', p);
    expect(after?.occurrence?.toISOString()).toBe('2026-03-30T06:00:00.000Z');
    expect(subjects()).toEqual(['week of 16 Mar 2026', 'week of 23 Mar 2026']);
  });

  it('in demo mode (no mail credentials) the job records why it skipped instead of failing five times', async () => {
    const p = parts(loadConfig({ env: { LOG_LEVEL: 'silent' } }));
    await at('2026-11-22T12:00:00Z', p);
    await at('2026-11-23T07:00:30Z', p);
    const jobs = await models.jobs.find({ name: 'digest.send' }).lean();
    expect(jobs).toMatchObject([{ key: 'digest:northgate:2026-W47', status: 'done', attempts: 1, result: { skipped: expect.stringContaining('LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE') } }]);
    expect(gmail.received).toHaveLength(0);
  });

  it('before any digest has been sent, catches up only the latest missed week and never sends a week twice', async () => {
    const p = parts();
    await at('2026-04-01T12:00:00Z', p);
    // Down from 1 April to Wednesday 22 April: three Mondays missed.
    const [tick] = await at('2026-04-22T09:00:00Z', p);
    expect(tick).toMatchObject({ skipped: 2, created: true });
    expect(subjects()).toEqual(['week of 13 Apr 2026']);
    // A second instance (its own scheduler and runner) ticking the same moment adds nothing.
    const other = parts();
    await at('2026-04-22T09:00:05Z', other);
    await at('2026-04-22T09:00:10Z', p);
    expect(subjects()).toEqual(['week of 13 Apr 2026']);
    expect(await models.digestSends.find().lean()).toMatchObject([{ _id: 'northgate:2026-W16', state: 'sent' }]);
  });

  it('after a week has been sent, sends every week missed while the server was down, oldest first', async () => {
    const p = parts();
    await at('2026-04-05T12:00:00Z', p);
    await at('2026-04-06T06:00:30Z', p); // Monday 07:00 BST: week of 30 Mar
    expect(subjects()).toEqual(['week of 30 Mar 2026']);
    // Down from Monday 6 April until Wednesday 29 April: the 13, 20 and 27 April runs were missed.
    await at('2026-04-29T09:00:00Z', p);
    expect(subjects()).toEqual(['week of 30 Mar 2026', 'week of 6 Apr 2026', 'week of 13 Apr 2026', 'week of 20 Apr 2026']);
    // Nothing is sent twice when the next Monday comes.
    await at('2026-05-04T06:00:30Z', p);
    expect(subjects()).toEqual(['week of 30 Mar 2026', 'week of 6 Apr 2026', 'week of 13 Apr 2026', 'week of 20 Apr 2026', 'week of 27 Apr 2026']);
  });
});
