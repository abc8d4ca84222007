import type { Connection } from 'mongoose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createModels, ensureIndexes, type Models } from '../../../src/stores.js';
import { createLogger } from '../../../src/log/logger.js';
import { appTokenProvider } from '../../../src/microsoft/auth.js';
import { graphStream } from '../../../src/microsoft/audit/graph-stream.js';
import { ensureSubscriptions, managementStream } from '../../../src/microsoft/audit/management-stream.js';
import { pollStream, type PollHooks } from '../../../src/monitoring/connectors/poll.js';
import type { AuditStream } from '../../../src/monitoring/connectors/stream.js';
import { makeDirectoryAudit, makeO365, makeSignIn, SAMPLE_TENANT } from '../../../src/monitoring/rules/fixtures.js';
import { createDetectionStore } from '../../../src/monitoring/store.js';
import { createTenantContext } from '../../../src/monitoring/tenant.js';
import { connectTestDatabase, dropTestDatabase } from '../../support/db.js';
import { FakeMicrosoft } from './support/fake-microsoft.js';

const T0 = Date.parse('2026-03-02T12:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const TENANT_ID = '5c3e1a2b-7d9f-4e8a-b6c4-1f2e3d4c5b6a';
const CLIENT_ID = '0b6f1c2d-3e4f-4a5b-8c7d-9e0f1a2b3c4d';
const logger = createLogger({ level: 'silent' });
const tenant = createTenantContext(SAMPLE_TENANT);

function anonymousLink(minutesAgo: number, now: number, item: string): Record<string, unknown> {
  return makeO365('AnonymousLinkCreated', { CreationTime: new Date(now - minutesAgo * MIN).toISOString().slice(0, 19), ListItemUniqueId: item, ObjectId: `https://northgate.sharepoint.com/sites/staff/Shared Documents/${item}.docx` });
}

describe('Microsoft connectors (Management Activity API and Graph)', () => {
  let conn: Connection;
  let models: Models;
  let ms: FakeMicrosoft;
  let now = T0;
  let waits: number[];

  beforeAll(async () => {
    conn = await connectTestDatabase('msconn');
    models = createModels(conn);
    await ensureIndexes(models);
  });
  afterAll(async () => dropTestDatabase(conn));
  beforeEach(async () => {
    ms = await new FakeMicrosoft().start();
    now = T0;
    waits = [];
    await models.detections.deleteMany({});
    await models.detectionEvents.deleteMany({});
    await models.monitorCheckpoints.deleteMany({});
  });
  afterEach(async () => ms.stop());

  function tokens(secret = 'fake-secret') {
    return appTokenProvider({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: secret, authorityHost: ms.url });
  }
  const retry = () => ({ sleep: async (ms: number) => void waits.push(ms) });
  function management(contentType = 'Audit.SharePoint') {
    return managementStream({ tenantId: TENANT_ID, tokens: tokens(), manageUrl: ms.url, retry: retry() }, contentType);
  }
  function poll(stream: AuditStream, extra: { hooks?: PollHooks; since?: number } = {}) {
    return pollStream({ schoolId: 'northgate', stream, checkpoints: models.monitorCheckpoints, sink: createDetectionStore(models), tenant, clock: () => new Date(now), logger, ...extra });
  }

  it('starts only the subscriptions that are not running, and sends PublisherIdentifier on every call', async () => {
    ms.subscriptions.set('Audit.Exchange', 'enabled');
    const options = { tenantId: TENANT_ID, tokens: tokens(), manageUrl: ms.url, retry: retry() };
    expect(await ensureSubscriptions(options, ['Audit.SharePoint', 'Audit.Exchange', 'Audit.AzureActiveDirectory', 'Audit.General'])).toEqual(['Audit.SharePoint', 'Audit.AzureActiveDirectory', 'Audit.General']);
    expect(await ensureSubscriptions(options, ['Audit.SharePoint', 'Audit.Exchange'])).toEqual([]);
    expect(ms.requests.every((r) => r.query.get('PublisherIdentifier') === TENANT_ID)).toBe(true);
    expect(ms.tokenRequests).toEqual([{ tenant: TENANT_ID, clientId: CLIENT_ID, scope: 'https://manage.office.com/.default' }]); // one token, from the cache after
  });

  it('lists content page by page (NextPageUri), fetches each blob once, and detects an anonymous link', async () => {
    ms.subscriptions.set('Audit.SharePoint', 'enabled');
    for (let i = 0; i < 3; i++) ms.blobs.push({ contentType: 'Audit.SharePoint', contentId: `blob-${i}`, created: now - (10 + i) * MIN, records: [anonymousLink(20 + i, now, `item-${i}`), makeO365('FileAccessed', { CreationTime: new Date(now - 30 * MIN).toISOString().slice(0, 19) })] });
    const first = await poll(management());
    expect(first.records).toBe(6);
    expect(ms.requests.filter((r) => r.path.endsWith('/subscriptions/content')).length).toBe(2); // 3 blobs, 2 a page
    expect(ms.requests.every((r) => r.query.get('PublisherIdentifier') === TENANT_ID)).toBe(true);
    expect((await models.detections.find().lean()).map((d) => d.objectId).length).toBe(3);
    now = T0 + 5 * MIN;
    ms.blobs.push({ contentType: 'Audit.SharePoint', contentId: 'blob-late', created: T0 - 2 * MIN, records: [anonymousLink(90, T0, 'item-late')] });
    const blobCalls = ms.requests.filter((r) => r.path.includes('/audit/')).length;
    const second = await poll(management());
    expect(ms.requests.filter((r) => r.path.includes('/audit/')).length - blobCalls).toBe(1); // only the new blob
    expect(second.stored).toBe(1);
    expect(await models.detectionEvents.countDocuments()).toBe(4);
  });

  it('asks for at most 24 hours at a time on a backfill, oldest first', async () => {
    ms.subscriptions.set('Audit.Exchange', 'enabled');
    ms.blobs.push({ contentType: 'Audit.Exchange', contentId: 'old', created: now - 60 * HOUR, records: [makeO365('Set-Mailbox', { Workload: 'Exchange', CreationTime: new Date(now - 60 * HOUR).toISOString().slice(0, 19), Parameters: [{ Name: 'ForwardingSmtpAddress', Value: 'smtp:someone@gmail.com' }, { Name: 'Identity', Value: 'j.smith@northgate.example' }] })] });
    const result = await poll(management('Audit.Exchange'), { since: now - 72 * HOUR });
    const listings = ms.requests.filter((r) => r.path.endsWith('/subscriptions/content'));
    expect(listings.length).toBe(3);
    for (const r of listings) expect(Date.parse(`${r.query.get('endTime')}Z`) - Date.parse(`${r.query.get('startTime')}Z`)).toBeLessThanOrEqual(24 * HOUR);
    expect(listings.map((r) => r.query.get('startTime'))).toEqual(['2026-02-27T12:00:00', '2026-02-28T12:00:00', '2026-03-01T12:00:00']);
    expect(result.windows).toBe(3);
    expect(await models.detections.countDocuments({ family: 'email.external_forwarding' })).toBe(1);
  });

  it('backs off on 429 and 503 honouring Retry-After', async () => {
    ms.subscriptions.set('Audit.SharePoint', 'enabled');
    ms.blobs.push({ contentType: 'Audit.SharePoint', contentId: 'b', created: now - 10 * MIN, records: [anonymousLink(20, now, 'x')] });
    ms.failures.push({ status: 429, retryAfter: '30' }, { status: 503, retryAfter: '5' });
    await poll(management());
    expect(waits).toEqual([30_000, 5_000]);
    expect(await models.detections.countDocuments()).toBe(1);
  });

  it('resumes after a crash between fetching a blob and storing it: nothing lost, nothing twice', async () => {
    ms.subscriptions.set('Audit.SharePoint', 'enabled');
    for (let i = 0; i < 3; i++) ms.blobs.push({ contentType: 'Audit.SharePoint', contentId: `blob-${i}`, created: now - (10 + i) * MIN, records: [anonymousLink(20 + i, now, `item-${i}`)] });
    let pages = 0;
    await expect(poll(management(), { hooks: { afterFetch: () => { if (++pages === 3) throw new Error('crash'); } } })).rejects.toThrow('crash');
    expect(await models.detectionEvents.countDocuments()).toBe(2);
    const resumed = await poll(management());
    expect(resumed.stored).toBe(1);
    expect(await models.detectionEvents.countDocuments()).toBe(3);
    expect(await models.detections.countDocuments()).toBe(3);
  });

  it('reads Graph sign-ins with a time $filter across @odata.nextLink pages, refreshing an expired token', async () => {
    for (let i = 0; i < 3; i++) ms.signIns.push(makeSignIn({ createdDateTime: new Date(now - (5 + i) * MIN).toISOString(), riskLevelDuringSignIn: 'high', riskState: 'atRisk' }));
    ms.signIns.push(makeSignIn({ createdDateTime: new Date(now - 8 * MIN).toISOString() }));
    const stream = graphStream({ tokens: tokens(), graphUrl: `${ms.url}/v1.0`, retry: retry() }, 'signIns');
    let pages = 0;
    const result = await poll(stream, { hooks: { afterFetch: () => { if (++pages === 1) ms.revoked.add(ms.lastToken); } } });
    expect(result.records).toBe(4);
    expect(ms.requests.filter((r) => r.path.endsWith('/signIns')).length).toBe(3); // page 2 refused once, then retried with a fresh token
    expect(ms.tokenRequests.length).toBe(2);
    expect(ms.requests[0]?.query.get('$filter')).toBe(`createdDateTime ge ${new Date(T0 - 2 * HOUR).toISOString()} and createdDateTime lt ${new Date(T0).toISOString()}`);
    const signals = await models.detections.find({ family: 'account.compromise_signal' }).lean();
    expect(signals.map((d) => d.count)).toEqual([3]); // one person's three risky sign-ins fold into one detection
  });

  it('reads Graph directory audits and detects a role grant once over overlapping polls', async () => {
    ms.directoryAudits.push(makeDirectoryAudit('Add member to role', { activityDateTime: new Date(now - 10 * MIN).toISOString(), targetResources: [{ type: 'User', userPrincipalName: 'j.smith@northgate.example', modifiedProperties: [{ displayName: 'Role.DisplayName', oldValue: null, newValue: '"Global Administrator"' }] }] }));
    const stream = () => graphStream({ tokens: tokens(), graphUrl: `${ms.url}/v1.0`, retry: retry() }, 'directoryAudits');
    await poll(stream());
    now = T0 + 5 * MIN;
    const second = await poll(stream());
    expect(second.alreadySeen).toBe(1);
    expect(await models.detections.countDocuments({ family: 'account.privilege_grant' })).toBe(1);
  });

  it('reports a wrong client secret with a coded error that names the variable', async () => {
    const stream = graphStream({ tokens: tokens('wrong'), graphUrl: `${ms.url}/v1.0`, retry: retry() }, 'signIns');
    await expect(poll(stream)).rejects.toMatchObject({ code: 'monitor_source_auth', message: expect.stringContaining('LANTERN_MS_CLIENT_SECRET') });
  });
});
