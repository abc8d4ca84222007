import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type School } from '../../src/config/load.js';
import { ParentsSchema } from '../../src/config/schema.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { demoDirectory } from '../../src/directory/demo-directory.js';
import { syncDirectory } from '../../src/directory/sync.js';
import { createLogger } from '../../src/log/logger.js';
import { createMailTransport, type MailTransport } from '../../src/mail/index.js';
import { appendConsent } from '../../src/parents/consents.js';
import { sendDueReminders, sendParentLinks } from '../../src/parents/invite.js';
import { linksFromDirectory, parseLinksCsv, syncLinks } from '../../src/parents/links.js';
import { checkToken } from '../../src/parents/tokens.js';
import { isLanternError } from '../../src/errors.js';
import { runCli } from '../../src/cli/main.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';

let conn: Connection;
let models: Models;
let gmail: http.Server;
let transport: MailTransport;
const sent: { raw: string; path: string }[] = [];
const log = createLogger({ level: 'silent' });
let school: School;
const FIRST = ['parent-031', 'parent-032', 'parent-033'];

beforeAll(async () => {
  conn = await connectTestDatabase('par');
  models = createModels(conn);
  await ensureIndexes(models);
  await syncDirectory(models.people, 'northgate', demoDirectory());
  // A local server standing in for Google's token endpoint and the Gmail API.
  gmail = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/token') return res.end(JSON.stringify({ access_token: 'tok', expires_in: 3600, token_type: 'Bearer' }));
      sent.push({ raw: Buffer.from((JSON.parse(body) as { raw: string }).raw, 'base64url').toString(), path: req.url ?? '' });
      res.end(JSON.stringify({ id: `m${sent.length}` }));
    });
  });
  await new Promise<void>((r) => gmail.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(gmail.address() as AddressInfo).port}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-par-'));
  const keyFile = path.join(dir, 'sa.json');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(keyFile, JSON.stringify({ client_email: 'lantern@p.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) }));
  transport = createMailTransport('gmail', { google: { serviceAccountKeyFile: keyFile, apiUrl: `${base}/`, tokenUrl: `${base}/token` }, microsoft: { tenantId: null, clientId: null, clientSecret: null, authorityHost: '', graphUrl: '' } });
  const config = loadConfig({ env: {}, cwd: os.tmpdir() });
  school = { ...(config.schools[0] as School), parents: ParentsSchema.parse({ sender: 'office@northgate.example' }) };
}, 60_000);

afterAll(async () => {
  await new Promise<void>((r) => gmail.close(() => r()));
  await dropTestDatabase(conn);
});

describe('parent links and emails (A5)', () => {
  it('takes links from the directory and from a MIS CSV, and rejects a broken CSV whole', async () => {
    const fromDir = await syncLinks(models, 'northgate', 'directory', await linksFromDirectory(models.people, 'northgate'), new Date());
    expect(fromDir.upserted).toBe(70);
    const csv = 'parentId,parentName,email,pupilId\ncarer-900,Jo Carer,jo.carer@example.com,pupil-031\ncarer-901,Ghost,ghost@example.com,pupil-999\n';
    const fromCsv = await syncLinks(models, 'northgate', 'csv', parseLinksCsv(csv, 'mis.csv'), new Date());
    expect(fromCsv).toEqual({ upserted: 1, deactivated: 0, revoked: 0, unknownPupils: ['pupil-999'] });
    expect(await models.parentLinks.countDocuments({ schoolId: 'northgate', pupilId: 'pupil-031', active: true })).toBe(2);
    let error: unknown;
    try {
      parseLinksCsv('parentId,parentName,email,pupilId\np1,A,not-an-email,pupil-001\n', 'bad.csv');
    } catch (err) {
      error = err;
    }
    expect(isLanternError(error) && error.message).toContain('line 2: "not-an-email" is not an email address');
    // A later export without the carer marks that link inactive; it is never deleted.
    const later = await syncLinks(models, 'northgate', 'csv', [], new Date());
    expect(later.deactivated).toBe(1);
    expect(await models.parentLinks.countDocuments({ parentId: 'carer-900', active: false })).toBe(1);
  });

  it('emails each parent one single-use link per round through the Gmail API, and never twice', async () => {
    const now = new Date('2026-09-07T08:00:00Z');
    const only = (l: { parentId: string }) => FIRST.includes(l.parentId);
    const first = await sendParentLinks(models, transport, { school, publicUrl: 'https://lantern.northgate.example', round: 'r1', purpose: 'consent', step: 0, now, dryRun: false, only }, log);
    expect(first).toEqual({ sent: 3, already: 0, failed: 0, wouldSend: 0 });
    const again = await sendParentLinks(models, transport, { school, publicUrl: 'https://lantern.northgate.example', round: 'r1', purpose: 'consent', step: 0, now, dryRun: false, only }, log);
    expect(again).toEqual({ sent: 0, already: 3, failed: 0, wouldSend: 0 });
    expect(sent).toHaveLength(3);

    const mail = await simpleParser(sent[0]?.raw ?? '');
    expect(mail.from?.text).toBe('office@northgate.example');
    expect(mail.subject).toMatch(/^Please give your answers for \w+ – Northgate Primary$/);
    const link = /https:\/\/lantern\.northgate\.example\/parents\/consent\/([A-Za-z0-9_-]{43})/.exec(mail.text ?? '');
    expect(link).not.toBeNull();
    const check = await checkToken(models, link?.[1] ?? '', now);
    expect(check.ok).toBe(true);
    // Only the hash is stored.
    expect(await models.parentLinkTokens.exists({ _id: link?.[1] })).toBeNull();
    if (check.ok) expect(check.token.expiresAt.toISOString()).toBe('2026-09-21T08:00:00.000Z');
  });

  it('reminds, after 7 days, only the parents who have not answered', async () => {
    const before = sent.length;
    await appendConsent(models, { schoolId: 'northgate', pupilId: 'pupil-031', kind: 'internet', decision: 'given', parentId: 'parent-031', typedName: 'A Parent', tokenHash: 'x' }, new Date('2026-09-08T10:00:00Z'));
    const early = await sendDueReminders(models, transport, school, 'https://lantern.northgate.example', new Date('2026-09-12T09:00:00Z'), log);
    expect(early.sent).toBe(0);
    const due = await sendDueReminders(models, transport, school, 'https://lantern.northgate.example', new Date('2026-09-14T09:00:00Z'), log);
    expect(due.sent).toBe(2);
    const twice = await sendDueReminders(models, transport, school, 'https://lantern.northgate.example', new Date('2026-09-15T09:00:00Z'), log);
    expect(twice.sent).toBe(0);
    expect(sent.length - before).toBe(2);
    const reminder = await simpleParser(sent.at(-1)?.raw ?? '');
    expect(reminder.subject).toMatch(/^Reminder: /);
    expect(reminder.to && 'text' in reminder.to ? reminder.to.text : '').not.toContain('family31@');
  });

  it('records who approved a send, and the CLI refuses a real send without --by', async () => {
    const now = new Date('2026-09-08T08:00:00Z');
    const only = (l: { parentId: string }) => l.parentId === 'parent-034';
    const r = await sendParentLinks(models, transport, { school, publicUrl: 'https://lantern.northgate.example', round: 'r-approved', purpose: 'consent', step: 0, now, dryRun: false, approvedBy: 'Ruth Okafor', only }, log);
    expect(r.sent).toBe(1);
    const claim = await models.parentSends.findOne({ schoolId: 'northgate', round: 'r-approved' }).lean<{ approvedBy?: string }>();
    expect(claim?.approvedBy).toBe('Ruth Okafor');

    const err: string[] = [];
    const code = await runCli(['parents', 'send', '--round', 'r-x'], { out: () => undefined, err: (l) => err.push(l), env: {}, cwd: os.tmpdir() });
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('--by NAME is required');
    expect(await models.parentSends.countDocuments({ round: 'r-x' })).toBe(0);
  });
});
