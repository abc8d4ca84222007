import type { Connection } from 'mongoose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createModels, ensureIndexes, type Models } from '../../../src/stores.js';
import { delegatedClient, readServiceAccountKey } from '../../../src/google/auth.js';
import { createReportsClient, reportsStream, REPORTS_AUDIT_SCOPE } from '../../../src/google/reports/reports-stream.js';
import { createLogger } from '../../../src/log/logger.js';
import { checkpointId } from '../../../src/monitoring/connectors/checkpoint-model.js';
import { pollStream, type PollHooks } from '../../../src/monitoring/connectors/poll.js';
import { createDetectionStore } from '../../../src/monitoring/store.js';
import { makeDriveEvent, SAMPLE_TENANT } from '../../../src/monitoring/rules/fixtures.js';
import { createTenantContext } from '../../../src/monitoring/tenant.js';
import { connectTestDatabase, dropTestDatabase } from '../../support/db.js';
import { FakeGoogle, writeServiceAccountKey } from './support/fake-google.js';

const T0 = Date.parse('2026-03-02T12:00:00.000Z');
const MIN = 60_000;
const SCHOOL = 'northgate';
const logger = createLogger({ level: 'silent' });
const tenant = createTenantContext(SAMPLE_TENANT);
const keyFile = writeServiceAccountKey();

function publicShare(minutesAgo: number, now: number, docId: string): Record<string, unknown> {
  return makeDriveEvent('change_document_visibility', { new_value: ['people_with_link'], target_domain: 'all', doc_id: docId }, { time: new Date(now - minutesAgo * MIN).toISOString() });
}

function download(secondsAgo: number, now: number, i: number): Record<string, unknown> {
  return makeDriveEvent('download', { doc_id: `doc-${i}` }, { time: new Date(now - secondsAgo * 1000).toISOString(), type: 'access' });
}

describe('Google Reports API connector', () => {
  let conn: Connection;
  let models: Models;
  let google: FakeGoogle;
  let now = T0;
  let waits: number[];

  beforeAll(async () => {
    conn = await connectTestDatabase('gconn');
    models = createModels(conn);
    await ensureIndexes(models);
  });
  afterAll(async () => dropTestDatabase(conn));
  beforeEach(async () => {
    google = await new FakeGoogle().start();
    now = T0;
    waits = [];
    await models.detections.deleteMany({});
    await models.detectionEvents.deleteMany({});
    await models.monitorCheckpoints.deleteMany({});
  });
  afterEach(async () => google.stop());

  function driveStream(application = 'drive') {
    const auth = delegatedClient({ key: readServiceAccountKey(keyFile), subject: 'it.admin@northgate.example', scopes: [REPORTS_AUDIT_SCOPE], tokenUrl: `${google.url}/token`, refreshOnAuthFailure: true });
    const client = createReportsClient(auth, google.url);
    return reportsStream({ client, auth, customerId: 'C03az79cb', application, retry: { sleep: async (ms) => void waits.push(ms) } });
  }

  function poll(stream = driveStream(), extra: { hooks?: PollHooks; since?: number } = {}) {
    return pollStream({ schoolId: SCHOOL, stream, checkpoints: models.monitorCheckpoints, sink: createDetectionStore(models), tenant, clock: () => new Date(now), logger, ...extra });
  }

  it('reads every page with a delegated token and stores one detection per public share', async () => {
    google.activities.push(publicShare(5, now, 'doc-a'), publicShare(10, now, 'doc-b'), publicShare(20, now, 'doc-c'), download(60, now, 1), download(70, now, 2));
    const result = await poll();
    expect(google.requests.length).toBe(3); // 5 activities, 2 a page
    expect(google.requests.map((r) => r.pageToken)).toEqual([undefined, '2', '4']);
    expect(google.requests.every((r) => r.customerId === 'C03az79cb')).toBe(true);
    expect(google.tokenRequests).toEqual([{ sub: 'it.admin@northgate.example', scope: REPORTS_AUDIT_SCOPE, iss: 'lantern@northgate-monitoring.iam.gserviceaccount.com' }]);
    expect(result.records).toBe(5);
    expect(await models.detectionEvents.countDocuments()).toBe(3);
    const detections = await models.detections.find().lean();
    expect(detections.map((d) => d.objectId).sort()).toEqual(['doc-a', 'doc-b', 'doc-c']);
    const cp = await models.monitorCheckpoints.findById(checkpointId(SCHOOL, 'google:drive')).lean();
    expect(cp?.cursor?.getTime()).toBe(T0);
    expect(cp?.lastGoodRunAt?.getTime()).toBe(T0);
  });

  it('re-reads the lag window, detects a late event once and stores nothing twice', async () => {
    google.activities.push(publicShare(30, now, 'doc-a'));
    await poll();
    now = T0 + 5 * MIN;
    // Published late: it happened 40 minutes before the first poll but only appears now.
    google.activities.push(publicShare(40, T0, 'doc-late'));
    const second = await poll();
    expect(Date.parse(google.requests.at(-1)?.startTime ?? '')).toBe(T0 - 4 * 60 * MIN); // cursor − drive's 4 h lag
    expect(second.alreadySeen).toBe(1);
    expect(second.stored).toBe(1);
    expect(second.duplicates).toBe(0);
    const ids = (await models.detections.find().lean()).map((d) => d.objectId).sort();
    expect(ids).toEqual(['doc-a', 'doc-late']);
    expect(await models.detectionEvents.countDocuments()).toBe(2);
  });

  it('backs off on 429 and 503 for as long as Retry-After says', async () => {
    google.activities.push(publicShare(5, now, 'doc-a'));
    google.failures.push({ status: 429, retryAfter: '7' }, { status: 503, retryAfter: '2' }, { status: 503 });
    await poll();
    expect(waits).toEqual([7000, 2000, 8000]); // the third had no Retry-After: exponential back-off (2 s · 2²)
    expect(await models.detections.countDocuments()).toBe(1);
  });

  it('gives up after repeated throttling with a coded error, records it, and leaves the checkpoint', async () => {
    google.activities.push(publicShare(5, now, 'doc-a'));
    for (let i = 0; i < 5; i++) google.failures.push({ status: 429, retryAfter: '1' });
    await expect(poll()).rejects.toMatchObject({ code: 'monitor_source_throttled', message: expect.stringMatching(/Reports API \(drive\) answered HTTP 429 \(throttled\) 5 time\(s\)/) });
    const cp = await models.monitorCheckpoints.findById(checkpointId(SCHOOL, 'google:drive')).lean();
    expect(cp?.cursor ?? null).toBeNull();
    expect(cp?.lastErrorCode).toBe('monitor_source_throttled');
    await poll();
    expect(await models.detections.countDocuments()).toBe(1);
  });

  it('refreshes an expired token once and carries on', async () => {
    google.activities.push(publicShare(5, now, 'doc-a'), publicShare(6, now, 'doc-b'), publicShare(7, now, 'doc-c'));
    const stream = driveStream();
    let page = 0;
    await poll(stream, {
      hooks: {
        afterFetch: () => {
          // The token expires between the first and second page.
          if (++page === 1) google.revoked.add(google.lastToken);
        },
      },
    });
    expect(google.tokenRequests.length).toBe(2);
    expect(new Set(google.requests.map((r) => r.token)).size).toBe(2);
    expect(await models.detections.countDocuments()).toBe(3);
  });

  it('loses nothing and duplicates nothing after a crash between fetching a page and storing it', async () => {
    for (let i = 0; i < 5; i++) google.activities.push(publicShare(i + 1, now, `doc-${i}`));
    let pages = 0;
    await expect(poll(driveStream(), { hooks: { afterFetch: () => { if (++pages === 2) throw new Error('crash'); } } })).rejects.toThrow('crash');
    expect(await models.detectionEvents.countDocuments()).toBe(2); // page 1 stored, page 2 lost with the crash
    const resumed = await poll();
    expect(resumed.stored).toBe(3);
    expect(resumed.duplicates).toBe(2);
    expect(await models.detectionEvents.countDocuments()).toBe(5);
    expect(await models.detections.countDocuments()).toBe(5);
  });

  it('loses nothing and duplicates nothing after a crash between storing and moving the checkpoint', async () => {
    for (let i = 0; i < 3; i++) google.activities.push(publicShare(i + 1, now, `doc-${i}`));
    let stores = 0;
    await expect(poll(driveStream(), { hooks: { afterStore: () => { if (++stores === 2) throw new Error('crash'); } } })).rejects.toThrow('crash');
    expect(await models.detectionEvents.countDocuments()).toBe(3); // all stored, checkpoint not moved
    expect((await models.monitorCheckpoints.findById(checkpointId(SCHOOL, 'google:drive')).lean())?.cursor ?? null).toBeNull();
    const resumed = await poll();
    expect(resumed.stored).toBe(0);
    expect(resumed.duplicates).toBe(3);
    const detections = await models.detections.find().lean();
    expect(detections.length).toBe(3);
    expect(detections.every((d) => d.count === 1)).toBe(true);
  });

  it('counts a download burst across polls once, from counters kept in the checkpoint', async () => {
    for (let i = 0; i < 30; i++) google.activities.push(download(600 - i * 5, now, i));
    google.pageSize = 50;
    await poll();
    expect(await models.detections.countDocuments()).toBe(0);
    now = T0 + 2 * MIN;
    for (let i = 30; i < 55; i++) google.activities.push(download(600 - i * 5, T0, i));
    const second = await poll();
    expect(second.alreadySeen).toBe(30);
    const bursts = await models.detections.find({ family: 'data.mass_download' }).lean();
    expect(bursts.length).toBe(1);
    expect(bursts[0]?.count).toBe(55); // the crossing event stands for 50, then one per further download
    expect(await models.detectionEvents.countDocuments()).toBe(6);
    now = T0 + 4 * MIN;
    const third = await poll();
    expect(third.stored).toBe(0);
    expect(await models.detectionEvents.countDocuments()).toBe(6);
  });

  it('runs one poll of a stream at a time, and takes over the lock of a poll that died', async () => {
    google.activities.push(publicShare(5, now, 'doc-a'));
    const locks = models.monitorStreamLocks;
    await locks.deleteMany({});
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = pollStream({ schoolId: SCHOOL, stream: driveStream(), checkpoints: models.monitorCheckpoints, locks, sink: createDetectionStore(models), tenant, clock: () => new Date(now), logger, hooks: { afterFetch: () => held } });
    while ((await locks.countDocuments()) === 0) await new Promise((r) => setTimeout(r, 10));
    const second = await pollStream({ schoolId: SCHOOL, stream: driveStream(), checkpoints: models.monitorCheckpoints, locks, sink: createDetectionStore(models), tenant, clock: () => new Date(now), logger });
    expect(second.busy).toBe(true);
    release();
    expect((await first).busy).toBe(false);
    expect(await locks.countDocuments()).toBe(0);
    // A crashed poll leaves its lock behind; once its lease has run out the next poll takes over.
    await locks.create({ _id: checkpointId(SCHOOL, 'google:drive'), owner: 'dead-instance', expiresAt: new Date(now + 60_000) });
    now += 11 * MIN;
    const third = await pollStream({ schoolId: SCHOOL, stream: driveStream(), checkpoints: models.monitorCheckpoints, locks, sink: createDetectionStore(models), tenant, clock: () => new Date(now), logger });
    expect(third.busy).toBe(false);
    expect(await models.detectionEvents.countDocuments()).toBe(1);
  });

  it('refuses a forged or wrong key file with a message naming the variable', () => {
    expect(() => readServiceAccountKey('/nonexistent/key.json')).toThrow(/LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE/);
  });
});
