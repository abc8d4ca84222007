import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrJoinFromDetection } from '../../src/cases/detection.js';
import { teamsEdgeFor } from '../support/teams.js';
import { demoFileConfig } from '../../src/config/demo.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { makeActivity, postActivity } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { routedToDsl } from './fixtures.js';

const RUTH_AAD = '00000000-0000-0000-0000-00000000c001';
let lantern: TestLantern;
let google: Server;
let googleUrl = '';
const calls: { method: string; path: string }[] = [];
let permissions = [
  { id: 'anyoneWithLink', type: 'anyone', role: 'reader' },
  { id: 'p-owner', type: 'user', role: 'owner', emailAddress: 'a.wilber@northgate.example' },
  { id: 'p-ext', type: 'user', role: 'writer', emailAddress: 'someone@gmail.example' },
];
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-remediation-'));

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

beforeAll(async () => {
  // A local server standing in for Google: the OAuth token endpoint and Drive's permissions API.
  google = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      calls.push({ method: req.method ?? '', path: url.pathname });
      res.setHeader('content-type', 'application/json');
      if (url.pathname === '/token') return res.end(JSON.stringify({ access_token: 'token', expires_in: 3600 }));
      const list = url.pathname.match(/^\/drive\/v3\/files\/([^/]+)\/permissions$/);
      if (list && req.method === 'GET') return res.end(JSON.stringify({ permissions }));
      const del = url.pathname.match(/^\/drive\/v3\/files\/([^/]+)\/permissions\/([^/]+)$/);
      if (del && req.method === 'DELETE') {
        permissions = permissions.filter((p) => p.id !== del[2]);
        res.statusCode = 204;
        return res.end();
      }
      res.statusCode = 404;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => google.listen(0, '127.0.0.1', resolve));
  googleUrl = `http://127.0.0.1:${(google.address() as AddressInfo).port}/`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = path.join(dir, 'sa.json');
  writeFileSync(keyFile, JSON.stringify({ client_email: 'lantern@example.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) }));
  const file = demoFileConfig();
  const school = { ...file.schools[0]!, remediation: { enabled: true } };
  writeFileSync(path.join(dir, 'lantern.config.yaml'), stringify({ ...file, schools: [school], mail: { google: { apiUrl: googleUrl, tokenUrl: `${googleUrl}token` } } }));
  lantern = await startTestLantern({ LANTERN_CONFIG: path.join(dir, 'lantern.config.yaml'), LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile });
  await lantern.models.people.updateOne({ schoolId: 'northgate', email: 'r.okafor@northgate.example' }, { $set: { aadObjectId: RUTH_AAD } });
}, 60_000);

afterAll(async () => {
  await lantern?.close();
  await new Promise<void>((resolve) => google.close(() => resolve()));
});

describe('remediation (B6): dry run, then explicit approval', () => {
  it('previews exactly what would change, removes only that on approval, once, and records who and what Google said', async () => {
    const config = loadConfig({ env: { LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: path.join(dir, 'sa.json') }, file: path.join(dir, 'lantern.config.yaml'), cwd: dir });
    const opened = await openOrJoinFromDetection({ stores: lantern.models, config, notifier: teamsEdgeFor(config, lantern.models).caseNotifier, log: createLogger({ level: 'silent' }), clock: () => new Date() }, routedToDsl(config.schools[0]!, ['sharing.public_link']), {
      detectionId: 'd-share-1', ruleId: 'sharing-public-link-google', family: 'sharing.public_link', severity: 'high', category: 'security',
      summary: 'A file was shared with anyone who has the link.', at: new Date(), subjectIds: [], objectId: 'file-123', actor: 'a.wilber@northgate.example',
    });
    const caseId = 'caseId' in opened ? opened.caseId : '';
    const view = await invoke('case.view', { caseId });
    expect(view).toContain('Remove the public link (preview)');

    const preview = await invoke('case.remediate', { caseId, remediation: 'remove-public-link' });
    expect(preview).toContain('Nothing has changed yet');
    expect(preview).toContain('Anyone with the link');
    expect(preview).not.toContain('someone@gmail.example');
    expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(0);
    const requestId = /"requestId":"([^"]+)"/.exec(preview)?.[1] ?? '';

    const [first, second] = await Promise.all([invoke('case.remediate.approve', { caseId, requestId }), invoke('case.remediate.approve', { caseId, requestId })]);
    expect([first, second].filter((c) => c.includes('Done: 1 permission(s) removed'))).toHaveLength(1);
    expect([first, second].filter((c) => c.includes('Ruth Okafor has already approved this fix.'))).toHaveLength(1);
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual(['/drive/v3/files/file-123/permissions/anyoneWithLink']);
    expect(permissions.map((p) => p.id)).toEqual(['p-owner', 'p-ext']);
    const entries = await lantern.models.caseTimeline.find({ caseId, action: 'remediation-approved' }).sort({ seq: 1 }).lean();
    expect(entries[0]?.by).toMatchObject({ email: 'r.okafor@northgate.example' });
    expect(entries[1]?.note).toBe('Google answered: anyoneWithLink → 204');

    const external = await invoke('case.remediate', { caseId, remediation: 'remove-external-access' });
    expect(external).toContain('someone@gmail.example');
    expect(external).not.toContain('a.wilber@northgate.example');
    expect(await invoke('case.remediate.approve', { caseId, requestId: 'forged' })).toContain('This preview is out of date');
  });
});
