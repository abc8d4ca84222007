import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/command.js';
import { createModels } from '../../src/stores.js';
import { GOOGLE_SCOPES } from '../../src/google/scopes.js';
import { MICROSOFT_PERMISSIONS } from '../../src/microsoft/permissions.js';
import { writeServiceAccountKey } from '../monitoring/connectors/support/fake-google.js';
import { connectTestDatabase, dropTestDatabase, testMongoUri } from '../support/db.js';
import { DoctorStandIn } from './doctor-stand-in.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const APP = '11111111-2222-3333-4444-555555555555';
const TEAM = '19:team@thread.tacv2';
const CHANNEL = '19:dsl@thread.tacv2';
const CONTENT_TYPES = ['Audit.SharePoint', 'Audit.Exchange', 'Audit.AzureActiveDirectory', 'Audit.General'];

let cloud: DoctorStandIn;
let conn: Connection;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-doctor-'));
const keyFile = writeServiceAccountKey();

function writeConfig(publicUrl: string, school: Record<string, unknown> = {}): string {
  const file = path.join(dir, `lantern-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({
    schools: [{
      id: 'northgate', name: 'Northgate Primary', ownDomains: ['northgate.example'],
      dsl: { members: [{ email: 'r.okafor@northgate.example', role: 'dsl' }], channel: { teamId: TEAM, channelId: CHANNEL } },
      microsoft: { tenantId: TENANT, monitoring: { manageUrl: cloud.url, graphUrl: `${cloud.url}/v1.0`, authorityHost: cloud.url } },
      google: { customerId: 'C03az79cb', adminSubject: 'admin@northgate.example' },
      classroom: { courses: [{ courseId: '12345', form: 'Kestrels', teacher: 'a.wilber@northgate.example' }] },
      digest: { recipients: ['governors@northgate.example'], transport: 'gmail', sender: 'lantern@northgate.example' },
      remediation: { enabled: true },
      ...school,
    }],
    server: { publicUrl },
    bot: { appId: APP, tenantId: TENANT },
    mail: { google: { tokenUrl: `${cloud.url}/token` }, microsoft: { clientId: APP, tenantId: TENANT, authorityHost: cloud.url, graphUrl: `${cloud.url}/v1.0` } },
  }));
  return file;
}

function io(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const env = { MONGODB_URI: `${testMongoUri()}${conn.name}`, LANTERN_BOT_APP_SECRET: 'fake-secret', LANTERN_MS_CLIENT_SECRET: 'fake-secret', LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile, LOG_LEVEL: 'silent', LANTERN_INTEGRITY_KEY: 'ab'.repeat(32) };
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env, cwd: dir };
}

/** Everything granted, delegated, subscribed and installed. */
function allGood(): void {
  for (const p of MICROSOFT_PERMISSIONS) (p.api === 'graph' ? cloud.graphRoles : cloud.manageRoles).add(p.permission);
  for (const s of Object.values(GOOGLE_SCOPES)) cloud.delegatedScopes.add(s.scope);
  for (const t of CONTENT_TYPES) cloud.subscriptions.set(t, 'enabled');
  cloud.teams.set(TEAM, ['19:general@thread.tacv2', CHANNEL]);
}

beforeAll(async () => {
  cloud = await new DoctorStandIn().start();
  conn = await connectTestDatabase('doctor');
  const models = createModels(conn);
  await models.conversationRefs.create({
    conversationId: `${CHANNEL};messageid=1`, scope: 'channel', tenantId: TENANT, schoolId: 'northgate',
    reference: { serviceUrl: cloud.url, channelId: 'msteams', conversation: { id: `${CHANNEL};messageid=1` }, bot: { id: `28:${APP}` } },
  });
});

afterAll(async () => {
  await cloud.stop();
  await dropTestDatabase(conn);
});

beforeEach(() => {
  cloud.graphRoles.clear();
  cloud.manageRoles.clear();
  cloud.delegatedScopes.clear();
  cloud.subscriptions.clear();
  cloud.teams.clear();
});

describe('lantern doctor', () => {
  it('passes every check of a working set-up, one ✓ line each, and exits 0', async () => {
    allGood();
    const out = io();
    const code = await runCli(['doctor', '--config', writeConfig(cloud.url)], out);
    const lines = out.stdout.filter((l) => /^[✓✗–] /.test(l));
    expect(out.stdout.join('\n')).not.toMatch(/^[✗–] /m);
    expect(code).toBe(0);
    for (const check of ['config', 'database', 'database indexes', 'bot credentials', 'Teams app in the DSL team', `Microsoft permissions of app ${APP}`, 'unified audit log subscriptions', 'Google delegation drive', 'Google delegation gmail.send', 'Classroom teacher impersonation', 'mail transport', 'public address', 'integrity key']) {
      expect(lines.some((l) => l.startsWith(`✓ ${check}:`)), check).toBe(true);
    }
  }, 60_000);

  it('names a missing Graph permission, a missing Google scope, a disabled subscription and an unreachable publicUrl, each with its fix, and exits 1', async () => {
    allGood();
    cloud.graphRoles.delete('Sites.ReadWrite.All');
    cloud.delegatedScopes.delete(GOOGLE_SCOPES.drive.scope);
    cloud.subscriptions.set('Audit.Exchange', 'disabled');
    const out = io();
    const code = await runCli(['doctor', '--config', writeConfig('https://127.0.0.1:2/')], out);
    const text = out.stdout.join('\n');
    expect(code).toBe(1);
    expect(text).toMatch(/^✗ Microsoft permissions of app .*not granted: Sites\.ReadWrite\.All .*fix: .*API permissions, add the application permission\(s\) Sites\.ReadWrite\.All and press "Grant admin consent"/m);
    expect(text).toMatch(/^✗ Google delegation drive: .*unauthorized_client.*fix: .*Domain-wide delegation, add https:\/\/www\.googleapis\.com\/auth\/drive to the client id/m);
    expect(text).toMatch(/^✓ Google delegation gmail\.settings\.sharing/m);
    expect(text).toMatch(/^✗ unified audit log subscriptions: not enabled: Audit\.Exchange — fix: .*Purview/m);
    expect(text).toMatch(/^✗ public address: https:\/\/127\.0\.0\.1:2\/healthz is not reachable.*fix: /m);
    expect(text.match(/^✗ /gm)).toHaveLength(4);
  }, 60_000);

  it('checks the permission and delegation the live alert streams need, and neither when they are turned off', async () => {
    allGood();
    cloud.graphRoles.delete('SecurityAlert.Read.All');
    cloud.delegatedScopes.delete(GOOGLE_SCOPES.alertCenter.scope);
    const out = io();
    expect(await runCli(['doctor', '--config', writeConfig(cloud.url)], out)).toBe(1);
    const text = out.stdout.join('\n');
    expect(text).toMatch(/^✗ Microsoft permissions of app .*not granted: SecurityAlert\.Read\.All \(Microsoft Graph, to read security alerts.*fix: .*add the application permission\(s\) SecurityAlert\.Read\.All/m);
    expect(text).toMatch(/^✗ Google delegation apps\.alerts: .*fix: .*add https:\/\/www\.googleapis\.com\/auth\/apps\.alerts to the client id/m);
    const off = io();
    const school = {
      microsoft: { tenantId: TENANT, monitoring: { alerts: false, manageUrl: cloud.url, graphUrl: `${cloud.url}/v1.0`, authorityHost: cloud.url } },
      google: { customerId: 'C03az79cb', adminSubject: 'admin@northgate.example', alertCenter: false },
    };
    expect(await runCli(['doctor', '--config', writeConfig(cloud.url, school)], off)).toBe(0);
    expect(off.stdout.join('\n')).not.toMatch(/SecurityAlert\.Read\.All|apps\.alerts/);
  }, 60_000);

  it('checks the delegation the unsigned-accounts group needs when one is configured', async () => {
    allGood();
    cloud.delegatedScopes.delete(GOOGLE_SCOPES.directoryGroupMembersWrite.scope);
    const out = io();
    const school = { directory: { source: 'google', adminSubject: 'admin@northgate.example', rules: [{ orgUnit: '/Staff', role: 'staff' }] }, agreements: { unsigned: { group: 'unsigned@northgate.example' } } };
    expect(await runCli(['doctor', '--config', writeConfig(cloud.url, school)], out)).toBe(1);
    expect(out.stdout.join('\n')).toMatch(/^✗ Google delegation admin\.directory\.group\.member: .*fix: .*add https:\/\/www\.googleapis\.com\/auth\/admin\.directory\.group\.member/m);
  }, 60_000);

  it('says when no integrity key is configured, with how to make one', async () => {
    allGood();
    const out = io();
    const { LANTERN_INTEGRITY_KEY: _unset, ...env } = out.env as Record<string, string>;
    expect(await runCli(['doctor', '--config', writeConfig(cloud.url)], { ...out, env })).toBe(1);
    expect(out.stdout.join('\n')).toMatch(/^✗ integrity key: no integrity key: .*fix: run `openssl rand -hex 32 > .*integrity\.keyFile/m);
  }, 60_000);

  it('says when the app is not in the DSL team or the channel is not there', async () => {
    allGood();
    cloud.teams.set(TEAM, ['19:general@thread.tacv2']);
    const out = io();
    expect(await runCli(['doctor', '--config', writeConfig(cloud.url)], out)).toBe(1);
    expect(out.stdout.join('\n')).toMatch(/^✗ Teams app in the DSL team: the team has no channel 19:dsl@thread\.tacv2.*fix: set schools\[\]\.dsl\.channel\.channelId/m);
  }, 60_000);

  it('prints a machine-readable list with --json', async () => {
    allGood();
    cloud.manageRoles.clear();
    const out = io();
    expect(await runCli(['doctor', '--config', writeConfig(cloud.url), '--school', 'northgate', '--json'], out)).toBe(1);
    const report = JSON.parse(out.stdout.join('\n')) as { ok: boolean; schools: Array<{ school: string; results: Array<{ check: string; status: string; detail: string; fix?: string }> }> };
    expect(report.ok).toBe(false);
    expect(report.schools.map((s) => s.school)).toEqual(['northgate']);
    const results = report.schools[0]!.results;
    for (const r of results) {
      expect(['ok', 'fail', 'skip']).toContain(r.status);
      expect(typeof r.check).toBe('string');
      expect(r.status === 'fail' ? typeof r.fix : 'string').toBe('string');
    }
    expect(results.find((r) => r.status === 'fail')).toMatchObject({ check: `Microsoft permissions of app ${APP}`, detail: expect.stringContaining('ActivityFeed.Read') });
  }, 60_000);
});
