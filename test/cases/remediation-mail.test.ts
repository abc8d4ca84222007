import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrJoinFromDetection, type DetectionInput } from '../../src/cases/detection.js';
import { teamsEdgeFor } from '../support/teams.js';
import { demoFileConfig } from '../../src/config/demo.js';
import { loadConfig, type LanternConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { sweepDetections } from '../../src/cases/monitoring-adapter.js';
import { createEngine } from '../../src/monitoring/engine.js';
import { makeO365, SAMPLE_TENANT } from '../../src/monitoring/rules/fixtures.js';
import { createDetectionStore } from '../../src/monitoring/store.js';
import { createTenantContext } from '../../src/monitoring/tenant.js';
import type { Detection } from '../../src/monitoring/types.js';
import { makeActivity, postActivity } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { routedToDsl } from './fixtures.js';

const RUTH_AAD = '00000000-0000-0000-0000-00000000d001';
const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = '66666666-7777-8888-9999-000000000000';
let lantern: TestLantern;
let config: LanternConfig;
let standIn: Server;
let base = '';
const calls: { method: string; path: string; body: string; auth: string }[] = [];
const googleSubjects: string[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-remediation-mail-'));
let autoForwarding = { enabled: true, emailAddress: 'forward@gmail.example', disposition: 'leaveInInbox' };
let filters = [
  { id: 'f-forward', criteria: { from: 'head@northgate.example' }, action: { forward: 'forward@gmail.example' } },
  { id: 'f-label', criteria: { from: 'news@example.org' }, action: { addLabelIds: ['Label_1'] } },
];
let sharePermissions: Record<string, unknown>[] = [
  { id: 'p-anyone', roles: ['read'], link: { scope: 'anonymous', type: 'view' } },
  { id: 'p-guest', roles: ['write'], grantedToV2: { siteUser: { email: 'guest@outside.example', loginName: 'i:0#.f|membership|guest_outside.example#ext#' } } },
  { id: 'p-staff', roles: ['write'], grantedToV2: { user: { email: 'm.hughes@northgate.example' } } },
  { id: 'p-inherited', roles: ['owner'], inheritedFrom: { id: 'root' }, link: { scope: 'anonymous' } },
];
let inboxRules = [
  { id: 'rule-fwd', displayName: 'Copy everything', actions: { forwardTo: [{ emailAddress: { address: 'Evil@Outside.example' } }] } },
  { id: 'rule-move', displayName: 'Newsletters', actions: { moveToFolder: 'AAMk' } },
];

function invoke(verb: string, data: Record<string, unknown>) {
  return postActivity(
    lantern.url,
    makeActivity({
      type: 'invoke', name: 'adaptiveCard/action', deliveryMode: undefined,
      from: { id: '29:ruth', name: 'Ruth Okafor', aadObjectId: RUTH_AAD },
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    }),
  ).then((r) => JSON.stringify((r.body as { value: unknown }).value));
}

let n = 0;
async function openCase(overrides: Partial<DetectionInput>): Promise<string> {
  n += 1;
  const opened = await openOrJoinFromDetection({ stores: lantern.models, config, notifier: teamsEdgeFor(config, lantern.models).caseNotifier, log: createLogger({ level: 'silent' }), clock: () => new Date() }, routedToDsl(config.schools[0]!, ['sharing.public_link', 'sharing.external_user', 'email.external_forwarding', 'data.mass_download']), {
    detectionId: `fwd-${n}`, ruleId: 'email.external_forwarding.google', family: 'email.external_forwarding', severity: 'high', category: 'security',
    summary: 'A mailbox forwards mail to an address outside the school.', at: new Date(), subjectIds: [], objectId: `mailbox-${n}`, ...overrides,
  });
  return ('caseId' in opened ? opened.caseId : null) ?? '';
}

beforeAll(async () => {
  // One local server stands in for Google (token endpoint, Gmail settings API) and Microsoft (Entra token endpoint, Graph).
  standIn = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const p = decodeURIComponent(url.pathname);
      calls.push({ method: req.method ?? '', path: p, body: raw, auth: req.headers.authorization ?? '' });
      const json = (status: number, value?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(value === undefined ? '' : JSON.stringify(value));
      };
      if (p === '/google-token') {
        const claims = JSON.parse(Buffer.from(new URLSearchParams(raw).get('assertion')?.split('.')[1] ?? '', 'base64url').toString() || '{}') as { sub?: string };
        googleSubjects.push(claims.sub ?? '');
        return json(200, { access_token: 'google-token', expires_in: 3600 });
      }
      if (p === `/${TENANT}/oauth2/v2.0/token`) return json(200, { access_token: 'graph-token', expires_in: 3600, ext_expires_in: 3600, token_type: 'Bearer' });
      if (p.startsWith('/gmail/')) {
        if (p === '/gmail/v1/users/me/settings/autoForwarding' && req.method === 'GET') return json(200, autoForwarding);
        if (p === '/gmail/v1/users/me/settings/autoForwarding' && req.method === 'PUT') {
          autoForwarding = { ...autoForwarding, ...(JSON.parse(raw) as { enabled: boolean }) };
          return json(200, autoForwarding);
        }
        if (p === '/gmail/v1/users/me/settings/filters' && req.method === 'GET') return json(200, { filter: filters });
        const del = /^\/gmail\/v1\/users\/me\/settings\/filters\/(.+)$/.exec(p);
        if (del && req.method === 'DELETE') {
          filters = filters.filter((f) => f.id !== del[1]);
          return json(204);
        }
      }
      if (p.startsWith('/v1.0/')) {
        if (req.headers.authorization !== 'Bearer graph-token') return json(401, { error: { code: 'InvalidAuthenticationToken' } });
        if (p === '/v1.0/sites/northgate.sharepoint.com:/sites/staff') return json(200, { id: 'site-1' });
        if (p === '/v1.0/sites/site-1/lists/list-1/items/a1b2c3d4/driveItem') return json(200, { id: 'item-9', parentReference: { driveId: 'drive-7' } });
        if (p === '/v1.0/drives/drive-7/items/item-9/permissions' && req.method === 'GET') return json(200, { value: sharePermissions });
        const perm = /^\/v1\.0\/drives\/drive-7\/items\/item-9\/permissions\/(.+)$/.exec(p);
        if (perm && req.method === 'DELETE') {
          sharePermissions = sharePermissions.filter((x) => x.id !== perm[1]);
          return json(204);
        }
        const list = /^\/v1\.0\/users\/([^/]+)\/mailFolders\/inbox\/messageRules$/.exec(p);
        if (list && req.method === 'GET') return json(200, { value: list[1] === 'm.hughes@northgate.example' ? inboxRules : [] });
        const del = /^\/v1\.0\/users\/([^/]+)\/mailFolders\/inbox\/messageRules\/(.+)$/.exec(p);
        if (del && req.method === 'DELETE') {
          inboxRules = inboxRules.filter((r) => r.id !== del[2]);
          return json(204);
        }
      }
      json(404, { error: { code: 'NotFound' } });
    });
  });
  await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = path.join(dir, 'sa.json');
  writeFileSync(keyFile, JSON.stringify({ client_email: 'lantern@example.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) }));
  const file = demoFileConfig();
  const school = { ...file.schools[0]!, remediation: { enabled: true } };
  const mail = { google: { apiUrl: `${base}/`, tokenUrl: `${base}/google-token` }, microsoft: { tenantId: TENANT, clientId: CLIENT, authorityHost: base, graphUrl: `${base}/v1.0` } };
  writeFileSync(path.join(dir, 'lantern.config.yaml'), stringify({ ...file, schools: [school], mail }));
  const env = { LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile, LANTERN_MS_CLIENT_SECRET: 'stand-in-secret' };
  lantern = await startTestLantern({ LANTERN_CONFIG: path.join(dir, 'lantern.config.yaml'), ...env });
  config = loadConfig({ env, file: path.join(dir, 'lantern.config.yaml'), cwd: dir });
  await lantern.models.people.updateOne({ schoolId: 'northgate', email: 'r.okafor@northgate.example' }, { $set: { aadObjectId: RUTH_AAD } });
}, 60_000);

afterAll(async () => {
  await lantern?.close();
  await new Promise<void>((resolve) => standIn.close(() => resolve()));
});

describe('turn off forwarding (B6): dry run, explicit approval, the API\'s answer recorded', () => {
  it('Gmail: previews auto-forwarding and the forwarding filter, then switches off exactly those, as the user', async () => {
    const caseId = await openCase({ actor: 'a.wilber@northgate.example', target: 'forward@gmail.example' });
    expect(await invoke('case.view', { caseId })).toContain('Turn off forwarding (preview)');
    const preview = await invoke('case.remediate', { caseId, remediation: 'turn-off-forwarding' });
    expect(preview).toContain('Nothing has changed yet');
    expect(preview).toContain('automatic forwarding of all mail');
    expect(preview).toContain('a filter that forwards matching mail');
    expect(calls.filter((c) => c.method !== 'GET' && c.path.startsWith('/gmail/'))).toHaveLength(0);
    expect(googleSubjects.at(-1)).toBe('a.wilber@northgate.example');
    const requestId = /"requestId":"([^"]+)"/.exec(preview)?.[1] ?? '';

    const [first, second] = await Promise.all([invoke('case.remediate.approve', { caseId, requestId }), invoke('case.remediate.approve', { caseId, requestId })]);
    expect([first, second].filter((c) => c.includes('Done: 2 forwarding setting(s) turned off'))).toHaveLength(1);
    expect([first, second].filter((c) => c.includes('Ruth Okafor has already approved this fix.'))).toHaveLength(1);
    const changes = calls.filter((c) => c.method !== 'GET' && c.path.startsWith('/gmail/'));
    expect(changes.map((c) => `${c.method} ${c.path}`)).toEqual(['PUT /gmail/v1/users/me/settings/autoForwarding', 'DELETE /gmail/v1/users/me/settings/filters/f-forward']);
    expect(JSON.parse(changes[0]!.body)).toEqual({ enabled: false });
    expect(filters.map((f) => f.id)).toEqual(['f-label']);
    const entries = await lantern.models.caseTimeline.find({ caseId, action: 'remediation-approved' }).sort({ seq: 1 }).lean();
    expect(entries[0]?.by).toMatchObject({ email: 'r.okafor@northgate.example' });
    expect(entries[1]?.note).toBe('Google answered: auto-forwarding → 200; filter:f-forward → 204');
    // Pressing again finds nothing left to switch off and changes nothing.
    expect(await invoke('case.remediate', { caseId, remediation: 'turn-off-forwarding' })).toContain('Nothing to turn off');
  });

  it('Microsoft: previews the inbox rule forwarding to the address and deletes only it through Graph', async () => {
    const caseId = await openCase({ ruleId: 'email.external_forwarding.microsoft', actor: 'm.hughes@northgate.example', target: 'evil@outside.example' });
    const preview = await invoke('case.remediate', { caseId, remediation: 'turn-off-forwarding' });
    expect(preview).toContain('inbox rule \\"Copy everything\\"');
    expect(preview).not.toContain('Newsletters');
    expect(calls.some((c) => c.method === 'DELETE' && c.path.startsWith('/v1.0/'))).toBe(false);
    const requestId = /"requestId":"([^"]+)"/.exec(preview)?.[1] ?? '';
    expect(await invoke('case.remediate.approve', { caseId, requestId })).toContain('Done: 1 forwarding setting(s) turned off');
    expect(calls.filter((c) => c.method === 'DELETE' && c.path.startsWith('/v1.0/')).map((c) => c.path)).toEqual(['/v1.0/users/m.hughes@northgate.example/mailFolders/inbox/messageRules/rule-fwd']);
    expect(calls.filter((c) => c.path.startsWith('/v1.0/')).every((c) => c.auth === 'Bearer graph-token')).toBe(true);
    expect(inboxRules.map((r) => r.id)).toEqual(['rule-move']);
    const last = await lantern.models.caseTimeline.findOne({ caseId, action: 'remediation-approved' }).sort({ seq: -1 }).lean();
    expect(last?.note).toBe('Microsoft answered: rule-fwd → 204');
  });

  it('Microsoft mailbox forwarding (Set-Mailbox) cannot be changed through Graph: the card says so and records the request', async () => {
    const caseId = await openCase({ ruleId: 'email.external_forwarding.microsoft', actor: 'a.wilber@northgate.example', target: 'evil@outside.example' });
    const before = calls.filter((c) => c.method === 'DELETE').length;
    const card = await invoke('case.remediate', { caseId, remediation: 'turn-off-forwarding' });
    expect(card).toContain('Microsoft Graph cannot change it');
    expect(card).toContain('Set-Mailbox -ForwardingSmtpAddress');
    expect(calls.filter((c) => c.method === 'DELETE').length).toBe(before);
    expect(await lantern.models.caseTimeline.countDocuments({ caseId, action: 'remediation-requested' })).toBe(1);
  });

  it('Microsoft sharing: finds the item from the audit record\'s site and list, previews and deletes exactly the Anyone link, then the guest', async () => {
    // From the audit record: the engine keeps the site and list (never the file's URL or name) for Graph.
    const found: Detection[] = [];
    const engine = createEngine({ tenant: createTenantContext(SAMPLE_TENANT), onDetection: (d) => found.push(d) });
    engine.process(makeO365('AnonymousLinkCreated', { ObjectId: 'https://northgate.sharepoint.com/sites/staff/Shared Documents/Year 6 reports.docx', SourceFileName: 'Year 6 reports.docx', ListItemUniqueId: 'a1b2c3d4', SiteUrl: 'https://northgate.sharepoint.com/sites/staff/', ListId: 'list-1' }));
    expect(found[0]?.location).toEqual({ siteUrl: 'https://northgate.sharepoint.com/sites/staff/', listId: 'list-1' });
    await createDetectionStore(lantern.models).store('northgate', [{ key: 'ms-share-1', detection: found[0]! }]);
    await sweepDetections({ stores: lantern.models, models: lantern.models, config: { ...config, schools: config.schools.map((s) => routedToDsl(s, ['sharing.public_link', 'sharing.external_user', 'email.external_forwarding', 'data.mass_download'])) }, notifier: teamsEdgeFor(config, lantern.models).caseNotifier, log: createLogger({ level: 'silent' }), clock: () => new Date() });
    const caseId = String((await lantern.models.detections.findOne({ ruleId: 'sharing.public_link.microsoft' }).lean())?.caseId);
    expect(JSON.stringify(await lantern.models.cases.findOne({ caseId }).lean())).not.toContain('Year 6 reports');
    const preview = await invoke('case.remediate', { caseId, remediation: 'remove-public-link' });
    expect(preview).toContain('remove these from the SharePoint / OneDrive item');
    expect(preview).toContain('Anyone with the link');
    expect(preview).not.toContain('guest@outside.example');
    expect(preview).not.toContain('p-inherited');
    const requestId = /"requestId":"([^"]+)"/.exec(preview)?.[1] ?? '';
    expect(calls.some((c) => c.method === 'DELETE' && c.path.includes('/drives/'))).toBe(false);
    expect(await invoke('case.remediate.approve', { caseId, requestId })).toContain('Done: 1 permission(s) removed');
    expect(calls.filter((c) => c.method === 'DELETE' && c.path.includes('/drives/')).map((c) => c.path)).toEqual(['/v1.0/drives/drive-7/items/item-9/permissions/p-anyone']);
    expect((await lantern.models.caseTimeline.findOne({ caseId, action: 'remediation-approved' }).sort({ seq: -1 }).lean())?.note).toBe('Microsoft answered: p-anyone → 204');

    const external = await invoke('case.remediate', { caseId, remediation: 'remove-external-access' });
    expect(external).toContain('guest@outside.example');
    expect(external).not.toContain('m.hughes@northgate.example');
  });

  it('Microsoft sharing without the site and list in the audit record is recorded for IT rather than guessed at', async () => {
    const caseId = await openCase({ ruleId: 'sharing.public_link.microsoft', family: 'sharing.public_link', actor: 'a.wilber@northgate.example', objectId: 'e5f6a7b8' });
    const card = await invoke('case.remediate', { caseId, remediation: 'remove-public-link' });
    expect(card).toContain('Lantern cannot find this SharePoint / OneDrive item');
    expect(await lantern.models.caseTimeline.countDocuments({ caseId, action: 'remediation-requested' })).toBe(1);
  });
});
