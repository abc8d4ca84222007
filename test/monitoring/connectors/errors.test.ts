import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { loadConfig } from '../../../src/config/load.js';
import { JobRunner } from '../../../src/jobs/index.js';
import { createLogger } from '../../../src/log/logger.js';
import { monitorJobHandlers } from '../../../src/monitoring/connectors/jobs.js';
import { makeDriveEvent } from '../../../src/monitoring/rules/fixtures.js';
import { auditClientFactories } from '../../../src/server/audit-clients.js';
import type { Models } from '../../../src/stores.js';
import { testMongoUri } from '../../support/db.js';
import { NORTHGATE_SCHOOL } from '../../support/school-yaml.js';
import { FakeGoogle, writeServiceAccountKey } from './support/fake-google.js';
import type { FakeMicrosoft } from './support/fake-microsoft.js';
import { startConnectorWorld, type ConnectorWorld } from './support/world.js';
import { closedPort, selfSignedServer } from './support/unreachable.js';

const TENANT_ID = '5c3e1a2b-7d9f-4e8a-b6c4-1f2e3d4c5b6a';
const CLIENT_ID = '0b6f1c2d-3e4f-4a5b-8c7d-9e0f1a2b3c4d';
const uri = `${testMongoUri()}monitorerrors_${randomUUID().slice(0, 8)}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-monitor-errors-'));
const keyFile = writeServiceAccountKey();
let world: ConnectorWorld;
let google: FakeGoogle;
let ms: FakeMicrosoft;
let models: Models;
const env = { MONGODB_URI: uri, LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile, LANTERN_MS_CLIENT_SECRET_NORTHGATE: 'fake-secret' };

/** A config for Northgate with the given Google and Microsoft blocks (YAML lines under the school). */
function configWith(blocks: { google?: string; microsoft?: string; authorityHost?: string }): string {
  const file = path.join(dir, `lantern-${randomUUID().slice(0, 6)}.config.yaml`);
  const googleBlock = blocks.google ? `    google:\n      customerId: C03az79cb\n      adminSubject: it.admin@northgate.example\n      applications: [drive]\n${blocks.google}` : '';
  const microsoftBlock = blocks.microsoft ? `    microsoft:\n      tenantId: ${TENANT_ID}\n      clientId: ${CLIENT_ID}\n      monitoring:\n        contentTypes: [Audit.SharePoint]\n        authorityHost: ${blocks.authorityHost ?? ms.url}\n${blocks.microsoft}` : '';
  writeFileSync(file, `schools:\n${NORTHGATE_SCHOOL}${googleBlock}${microsoftBlock}mail:\n  google: { tokenUrl: ${google.url}/token }\n`);
  return file;
}

async function cli(config: string, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: { ...env, LANTERN_CONFIG: config, LOG_LEVEL: 'silent' }, cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Backfills one source and returns the exit code, the line of `stream` and its `monitor status` line. */
async function backfill(config: string, source: 'google' | 'microsoft', stream: string) {
  const run = await cli(config, 'monitor', 'backfill', '--school', 'northgate', '--since', '1d', '--source', source);
  const line = run.out.split('\n').find((l) => l.startsWith(`${stream}: `)) ?? '';
  const status = await cli(config, 'monitor', 'status', '--school', 'northgate');
  const statusLine = status.out.split('\n').find((l) => l.trim().startsWith(`${stream} `)) ?? '';
  return { code: run.code, out: run.out, line, message: line.replace(/^\S+: FAILED \(\w+\) /, ''), statusLine };
}

const GOOGLE_FAKE = () => `      reportsUrl: ${google.url}\n      alertCenterUrl: ${google.url}\n`;
const MICROSOFT_FAKE = () => `        manageUrl: ${ms.url}\n        graphUrl: ${ms.url}/v1.0\n        graph: false\n`;

beforeAll(async () => {
  world = await startConnectorWorld(uri);
  ({ google, ms, models } = world);
});
afterAll(() => world?.stop());

describe('connector errors name their real cause, in the CLI, the status and the server log', () => {
  it('a closed port: the refused connection, exit 1, and the same cause in status and the server log', async () => {
    const port = await closedPort();
    const config = configWith({ google: `      reportsUrl: http://127.0.0.1:${port}\n      alertCenter: false\n` });
    const run = await backfill(config, 'google', 'google:drive');
    expect(run.code).toBe(1);
    expect(run.line).toMatch(new RegExp(`^google:drive: FAILED \\(monitor_source_unreachable\\) Nothing accepted a connection at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\) for Google's Reports API \\(drive\\)`));
    expect(run.statusLine).toContain(run.message);

    // The scheduled poll logs the same cause.
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) }) });
    const loaded = loadConfig({ file: config, env, cwd: dir });
    const clock = () => new Date();
    const runner = new JobRunner({ models, handlers: monitorJobHandlers({ config: loaded, models, logger, clock }, auditClientFactories(loaded), { retry: { sleep: async () => undefined } }), clock, logger, instanceId: 'test' });
    await runner.enqueue('monitor.poll', { key: 'closed-port', schoolId: 'northgate', data: { schoolId: 'northgate', source: 'google' } });
    await runner.runDue();
    const logged = lines.map((l) => JSON.parse(l) as { msg?: string; cause?: string; code?: string }).find((l) => l.msg?.startsWith('audit stream poll failed'));
    expect(logged).toMatchObject({ code: 'monitor_source_unreachable', cause: run.message });
  });

  it('a sign-in host that cannot be reached is named as such, not blamed on the client secret', async () => {
    const port = await closedPort();
    const config = configWith({ microsoft: MICROSOFT_FAKE(), authorityHost: `http://127.0.0.1:${port}` });
    const run = await backfill(config, 'microsoft', 'microsoft:Audit.SharePoint');
    expect(run.code).toBe(1);
    expect(run.line).toMatch(new RegExp(`^microsoft:Audit\\.SharePoint: FAILED \\(monitor_source_unreachable\\) Nothing accepted a connection at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\) for Microsoft sign-in`));
    expect(run.line).not.toMatch(/client secret/);
    expect(run.statusLine).toContain(run.message);
  });

  it('a name that does not resolve: DNS, for every stream of the source', async () => {
    const config = configWith({ microsoft: `        manageUrl: https://manage.lantern-test.invalid\n        graph: false\n        alerts: false\n` });
    const run = await backfill(config, 'microsoft', 'microsoft:Audit.SharePoint');
    expect(run.code).toBe(1);
    expect(run.line).toMatch(/^microsoft:Audit\.SharePoint: FAILED \(monitor_source_unreachable\) Cannot find manage\.lantern-test\.invalid \(DNS (ENOTFOUND|EAI_AGAIN)\) to reach the Office 365 Management Activity API/);
    expect(run.statusLine).toContain(run.message);
  });

  it('a self-signed certificate: TLS, with the fix for an inspecting proxy', async () => {
    const tls = await selfSignedServer();
    try {
      const config = configWith({ google: `      reportsUrl: ${tls.url}\n      alertCenter: false\n` });
      const run = await backfill(config, 'google', 'google:drive');
      expect(run.code).toBe(1);
      expect(run.line).toMatch(/^google:drive: FAILED \(monitor_source_tls\) The TLS certificate of 127\.0\.0\.1:\d+ was not accepted \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\) .*NODE_EXTRA_CA_CERTS/);
      expect(run.statusLine).toContain(run.message);
    } finally {
      await tls.close();
    }
  });

  it('401: the credentials were refused, naming the permission the call needs', async () => {
    ms.unauthorised.add('/v1.0/security/alerts_v2');
    try {
      const run = await backfill(configWith({ microsoft: MICROSOFT_FAKE() }), 'microsoft', 'microsoft:graph.alerts');
      expect(run.code).toBe(1);
      expect(run.line).toMatch(/^microsoft:graph\.alerts: FAILED \(monitor_source_auth\) Microsoft Graph security\/alerts_v2 refused Lantern's credentials \(HTTP 401 InvalidAuthenticationToken\): .*SecurityAlert\.Read\.All/);
      expect(run.out).toMatch(/^microsoft:Audit\.SharePoint: \d+ records? read/m);
      expect(run.statusLine).toContain(run.message);
    } finally {
      ms.unauthorised.clear();
    }
  });

  it('403: names the missing Graph permission and the missing Google delegation', async () => {
    ms.forbidden.add('/v1.0/security/alerts_v2');
    google.undelegated.add('https://www.googleapis.com/auth/apps.alerts');
    try {
      const m = await backfill(configWith({ microsoft: MICROSOFT_FAKE() }), 'microsoft', 'microsoft:graph.alerts');
      expect(m.code).toBe(1);
      expect(m.line).toMatch(/^microsoft:graph\.alerts: FAILED \(monitor_source_forbidden\) Microsoft Graph security\/alerts_v2 refused access \(HTTP 403 Forbidden\): the app lacks the application permission SecurityAlert\.Read\.All; .*Grant admin consent/);
      expect(m.statusLine).toContain(m.message);
      const g = await backfill(configWith({ google: GOOGLE_FAKE() }), 'google', 'google:alertcenter');
      expect(g.code).toBe(1);
      expect(g.line).toMatch(/^google:alertcenter: FAILED \(monitor_source_forbidden\) Google's Alert Center API refused access \(HTTP 403\): .*Domain-wide delegation, add https:\/\/www\.googleapis\.com\/auth\/apps\.alerts/);
      expect(g.out).toMatch(/^google:drive: \d+ records? read/m);
      expect(g.statusLine).toContain(g.message);
    } finally {
      ms.forbidden.clear();
      google.undelegated.clear();
    }
  });

  it('429 asking for a longer wait than a poll may take: throttled, with the wait', async () => {
    google.alertFailures.push({ status: 429, retryAfter: '600' });
    const run = await backfill(configWith({ google: GOOGLE_FAKE() }), 'google', 'google:alertcenter');
    expect(run.code).toBe(1);
    expect(run.line).toMatch(/^google:alertcenter: FAILED \(monitor_source_throttled\) Google's Alert Center API answered HTTP 429 \(throttled\) 1 time\(s\) and asked to wait 600 s/);
    expect(run.statusLine).toContain(run.message);
  });

  it('reports what it stored: new detections, repeats folded into one, and matches stored before', async () => {
    const t = (minutes: number) => ({ time: new Date(Date.now() - minutes * 60_000).toISOString() });
    google.activities.push(
      makeDriveEvent('change_document_visibility', { new_value: ['people_with_link'], target_domain: 'all', doc_id: 'doc-fold' }, t(50)),
      makeDriveEvent('change_document_visibility', { new_value: ['people_with_link'], target_domain: 'all', doc_id: 'doc-fold' }, t(40)),
      makeDriveEvent('change_document_visibility', { new_value: ['people_with_link'], target_domain: 'all', doc_id: 'doc-fold' }, t(30)),
      makeDriveEvent('change_document_visibility', { new_value: ['public_on_the_web'], doc_id: 'doc-other' }, t(20)),
    );
    const before = await models.detections.countDocuments({ schoolId: 'northgate' });
    const run = await backfill(configWith({ google: GOOGLE_FAKE() }), 'google', 'google:drive');
    expect(run.code).toBe(0);
    expect(run.line).toMatch(/^google:drive: 4 records read; 2 new detections stored \(2 repeats folded into a detection, 0 already stored\)/);
    expect((await models.detections.countDocuments({ schoolId: 'northgate' })) - before).toBe(2);
  });
});
