import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { loadConfig } from '../../../src/config/load.js';
import type { Models } from '../../../src/stores.js';
import { JobRunner } from '../../../src/jobs/index.js';
import { createLogger } from '../../../src/log/logger.js';
import { monitorJobHandlers, monitorSchedules } from '../../../src/monitoring/connectors/jobs.js';
import { auditClientFactories } from '../../../src/server/audit-clients.js';
import { configuredSources } from '../../../src/monitoring/connectors/school-connectors.js';
import { connectorStatus } from '../../../src/monitoring/connectors/status.js';
import { makeDriveEvent, makeO365, makeSignIn } from '../../../src/monitoring/rules/fixtures.js';
import { testMongoUri } from '../../support/db.js';
import { FakeGoogle, writeServiceAccountKey } from './support/fake-google.js';
import type { FakeMicrosoft } from './support/fake-microsoft.js';
import { startConnectorWorld, type ConnectorWorld } from './support/world.js';
import { NORTHGATE_SCHOOL } from '../../support/school-yaml.js';

const TENANT_ID = '5c3e1a2b-7d9f-4e8a-b6c4-1f2e3d4c5b6a';
const CLIENT_ID = '0b6f1c2d-3e4f-4a5b-8c7d-9e0f1a2b3c4d';
const uri = `${testMongoUri()}monitorjobs_${randomUUID().slice(0, 8)}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-monitor-'));
const keyFile = writeServiceAccountKey();
const logger = createLogger({ level: 'silent' });
let world: ConnectorWorld;
let google: FakeGoogle;
let ms: FakeMicrosoft;
let models: Models;
let configFile: string;
let env: Record<string, string>;

function writeConfig(): string {
  const file = path.join(dir, 'lantern.config.yaml');
  writeFileSync(
    file,
    `schools:
${NORTHGATE_SCHOOL}    google:
      customerId: C03az79cb
      adminSubject: it.admin@northgate.example
      applications: [drive, login]
      reportsUrl: ${google.url}
      alertCenterUrl: ${google.url}
    microsoft:
      tenantId: ${TENANT_ID}
      clientId: ${CLIENT_ID}
      monitoring:
        contentTypes: [Audit.SharePoint]
        manageUrl: ${ms.url}
        graphUrl: ${ms.url}/v1.0
        authorityHost: ${ms.url}
  - id: riverside
    name: Riverside Infant School
    ownDomains: [riverside.example]
    dsl:
      members: [{ email: p.ahmed@riverside.example, role: dsl }]
      channel: { teamId: team-2, channelId: "19:dsl2@thread.tacv2" }
mail:
  google: { tokenUrl: ${google.url}/token }
`,
  );
  return file;
}

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: { ...env, LOG_LEVEL: 'silent' }, cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  world = await startConnectorWorld(uri);
  ({ google, ms, models } = world);
  configFile = writeConfig();
  env = { LANTERN_CONFIG: configFile, MONGODB_URI: uri, LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile, LANTERN_MS_CLIENT_SECRET_NORTHGATE: 'fake-secret' };
});
afterAll(() => world?.stop());

describe('monitoring config, jobs and CLI', () => {
  it('polls only schools with credentials, and names the missing variable otherwise', () => {
    const config = loadConfig({ file: configFile, env, cwd: dir });
    expect(configuredSources(config, 'northgate')).toEqual(['google', 'microsoft']);
    expect(configuredSources(config, 'riverside')).toEqual([]);
    expect(monitorSchedules(config).map((s) => s.name)).toEqual(['monitor.poll:northgate:google', 'monitor.poll:northgate:microsoft']);
    expect(() => loadConfig({ file: configFile, env: { ...env, LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: '' }, cwd: dir })).toThrow(/LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE/);
    expect(() => loadConfig({ file: configFile, env: { ...env, LANTERN_MS_CLIENT_SECRET_NORTHGATE: '' }, cwd: dir })).toThrow(/LANTERN_MS_CLIENT_SECRET_NORTHGATE/);
  });

  it('runs monitor.poll jobs for each source, recording every stream in the status the digest reads', async () => {
    const now = Date.now();
    google.activities.push(makeDriveEvent('change_document_visibility', { new_value: ['people_with_link'], target_domain: 'all', doc_id: 'doc-job' }, { time: new Date(now - 5 * 60_000).toISOString() }));
    ms.blobs.push({ contentType: 'Audit.SharePoint', contentId: 'blob-job', created: now - 3 * 60_000, records: [makeO365('AnonymousLinkCreated', { CreationTime: new Date(now - 9 * 60_000).toISOString().slice(0, 19), ListItemUniqueId: 'item-job' })] });
    ms.signIns.push(makeSignIn({ createdDateTime: new Date(now - 4 * 60_000).toISOString(), riskState: 'confirmedCompromised' }));
    const config = loadConfig({ file: configFile, env, cwd: dir });
    const clock = () => new Date();
    const runner = new JobRunner({ models, handlers: monitorJobHandlers({ config, models, logger, clock }, auditClientFactories(config), { retry: { sleep: async () => undefined } }), clock, logger, instanceId: 'test' });
    await runner.enqueue('monitor.poll', { key: 'g1', schoolId: 'northgate', data: { schoolId: 'northgate', source: 'google' } });
    await runner.enqueue('monitor.poll', { key: 'm1', schoolId: 'northgate', data: { schoolId: 'northgate', source: 'microsoft' } });
    expect(await runner.runDue()).toMatchObject({ done: 2 });
    expect(ms.subscriptions.get('Audit.SharePoint')).toBe('enabled');
    const status = await connectorStatus(models, 'northgate');
    expect(status.map((s) => s.stream)).toEqual(['google:alertcenter', 'google:drive', 'google:login', 'microsoft:Audit.SharePoint', 'microsoft:graph.alerts', 'microsoft:graph.directoryAudits', 'microsoft:graph.signIns']);
    expect(status.every((s) => s.lastGoodRunAt !== null && s.lastError === null && s.lagMs !== null)).toBe(true);
    expect((await models.detections.find({ schoolId: 'northgate' }).lean()).map((d) => d.family).sort()).toEqual(['account.compromise_signal', 'sharing.public_link', 'sharing.public_link']);
  });

  it('backfills with progress on stderr and shows status, with the last error of a failing stream', async () => {
    google.activities.push(makeDriveEvent('change_document_visibility', { new_value: ['public_on_the_web'], doc_id: 'doc-old' }, { time: new Date(Date.now() - 2 * 86_400_000).toISOString() }));
    for (let i = 0; i < 5; i++) google.failures.push({ status: 503, retryAfter: '0' }); // drive, the first stream, gives up after 5 tries
    const backfill = await cli('monitor', 'backfill', '--school', 'northgate', '--since', '3d', '--source', 'google');
    expect(backfill.code).toBe(1);
    expect(backfill.out).toMatch(/google:drive: FAILED \(monitor_source_unavailable\)/);
    expect(backfill.out).toMatch(/google:login: \d+ records/);
    expect(backfill.err).toMatch(/Backfilling northgate \(google\)/);
    let status = await cli('monitor', 'status', '--school', 'northgate');
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/google:drive .*last error .*HTTP 503/);
    const again = await cli('monitor', 'backfill', '--school', 'northgate', '--since', '3d', '--source', 'google');
    expect(again.code).toBe(0);
    expect(again.err).toMatch(/google:drive: read up to .*100%/);
    expect(await models.detections.countDocuments({ objectId: 'doc-old' })).toBe(1);
    status = await cli('monitor', 'status', '--school', 'northgate', '--json');
    const rows = status.out.split('\n').map((l) => JSON.parse(l) as { stream: string; lastError: unknown });
    expect(rows.find((r) => r.stream === 'google:drive')?.lastError).toBeNull();
  });

  it('refuses bad arguments with a usage error', async () => {
    expect((await cli('monitor', 'backfill', '--school', 'northgate', '--since', 'yesterday')).err).toMatch(/--since must be a span/);
    expect((await cli('monitor', 'backfill', '--school', 'riverside', '--since', '1d')).err).toMatch(/no audit-log credentials/);
    expect((await cli('monitor', 'status', '--bogus')).err).toMatch(/Unknown argument/);
  });
});
