import type { Connection } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { sendSchoolDigest, type DigestDeps } from '../../src/digest/run.js';
import { ErrorCode, isLanternError } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';
import { createMailTransport } from '../../src/mail/index.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { digestConfig } from './config-file.js';
import { forbiddenStrings, insertFixtures, NOW, WEEK } from './fixtures.js';
import { MS_LOGIN_HOST, startGmailStandIn, startGraphStandIn, type GmailStandIn, type GraphStandIn, type Received } from './stand-ins.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '11111111-2222-3333-4444-555555555555';
let conn: Connection;
let models: Models;
let gmail: GmailStandIn;
let graph: GraphStandIn;
const logger = createLogger({ level: 'silent' });

beforeAll(async () => {
  conn = await connectTestDatabase('digest_send');
  models = createModels(conn);
  await ensureIndexes(models);
  await insertFixtures(conn, models);
  gmail = await startGmailStandIn();
  graph = await startGraphStandIn(TENANT, CLIENT, 'graph-secret');
});
afterAll(async () => {
  await gmail.close();
  await graph.close();
  await dropTestDatabase(conn);
});
beforeEach(async () => {
  await models.digestSends.deleteMany({});
  await models.digestSendAttempts.deleteMany({});
  gmail.received.length = 0;
  graph.received.length = 0;
});

function gmailDeps(extra: Partial<DigestDeps> = {}): DigestDeps {
  const config = digestConfig({ transport: 'gmail', mail: { google: { apiUrl: gmail.url, tokenUrl: gmail.tokenUrl } }, env: { LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: gmail.keyFile } });
  return { config, models, clock: () => NOW, logger, instanceId: 'test-1', ...extra };
}

function graphDeps(): DigestDeps {
  const config = digestConfig({
    transport: 'graph',
    mail: { microsoft: { tenantId: TENANT, clientId: CLIENT, authorityHost: MS_LOGIN_HOST, graphUrl: graph.graphUrl } },
    env: { LANTERN_MS_CLIENT_SECRET: 'graph-secret' },
  });
  return { config, models, clock: () => NOW, logger, instanceId: 'test-1', transportFor: (kind) => createMailTransport(kind, config.mail, { networkClient: graph.networkClient }) };
}

/** Checks one received digest: subject, parts, inline images referenced by cid, and no personal data. */
function checkMessage(m: Received): void {
  const p = m.parsed;
  expect(p.subject).toBe('Northgate Primary — online safety, week of 16 Nov 2026');
  expect(p.messageId).toBe('<digest.northgate.2026-W47@northgate.example>');
  expect((Array.isArray(p.to) ? p.to : [p.to]).flatMap((t) => t?.value.map((v) => v.address))).toEqual(['m.ellison@northgate.example', 'i.siddiqui@northgate.example']);
  expect(p.text).toContain('INCIDENTS');
  expect(p.text).toContain('fewer than 3');
  const html = typeof p.html === 'string' ? p.html : '';
  expect(html).toContain('<table');
  const images = p.attachments.filter((a) => a.contentType === 'image/png');
  expect(images.map((a) => a.cid).sort()).toEqual(['agreement-completion@lantern', 'incident-trend@lantern']);
  for (const img of images) {
    expect(img.content.subarray(1, 4).toString()).toBe('PNG');
    expect(html).toContain(`cid:${img.cid}`);
  }
  const alts = [...html.matchAll(/alt="([^"]*)"/g)].map((x) => x[1]).join('\n');
  const everything = [p.subject, p.text, html, alts].join('\n');
  for (const s of forbiddenStrings()) expect(everything).not.toContain(s);
  // The only email addresses are the envelope's; none in the subject or bodies.
  expect([p.subject, p.text, html].join('\n')).not.toMatch(/[\w.+-]+@[\w-]+\.[a-z]{2,}/i);
}

describe('sending by Gmail (domain-wide delegation)', () => {
  it('sends once as the sender mailbox; a second run for the week does nothing', async () => {
    const first = await sendSchoolDigest(gmailDeps(), 'northgate', WEEK);
    expect(first).toEqual({ status: 'sent', providerMessageId: 'gm-1' });
    expect(gmail.subjects.at(-1)).toBe('lantern@northgate.example');
    expect(gmail.received).toHaveLength(1);
    checkMessage(gmail.received[0] as Received);
    expect(await sendSchoolDigest(gmailDeps(), 'northgate', WEEK)).toEqual({ status: 'already-sent', providerMessageId: 'gm-1' });
    expect(gmail.received).toHaveLength(1);
    expect(await models.digestSends.findById('northgate:2026-W47').lean()).toMatchObject({ state: 'sent', providerMessageId: 'gm-1', transport: 'gmail', recipients: 2 });
  });

  it('a crash after building and before sending: the retry sends it once', async () => {
    const crash = gmailDeps({ hooks: { afterBuild: () => { throw new Error('process died'); } } });
    await expect(sendSchoolDigest(crash, 'northgate', WEEK)).rejects.toThrow('process died');
    expect(gmail.received).toHaveLength(0);
    expect(await sendSchoolDigest(gmailDeps(), 'northgate', WEEK)).toMatchObject({ status: 'sent' });
    expect(gmail.received).toHaveLength(1);
  });

  it('a crash after sending: the retry finds it in Sent and does not send again', async () => {
    const crash = gmailDeps({ hooks: { afterSend: () => { throw new Error('process died'); } } });
    await expect(sendSchoolDigest(crash, 'northgate', WEEK)).rejects.toThrow('process died');
    expect(gmail.received).toHaveLength(1);
    expect(await models.digestSends.findById('northgate:2026-W47').lean()).toMatchObject({ state: 'building' });
    expect(await sendSchoolDigest(gmailDeps(), 'northgate', WEEK)).toEqual({ status: 'reconciled', providerMessageId: 'gm-1' });
    expect(await sendSchoolDigest(gmailDeps(), 'northgate', WEEK)).toMatchObject({ status: 'already-sent' });
    expect(gmail.received).toHaveLength(1);
    expect(await models.digestSends.findById('northgate:2026-W47').lean()).toMatchObject({ state: 'sent', reconciled: true });
  });

  it('three instances sending the same week at once send one message', async () => {
    const results = await Promise.allSettled([1, 2, 3].map((n) => sendSchoolDigest(gmailDeps({ instanceId: `i-${n}` }), 'northgate', WEEK)));
    expect(gmail.received).toHaveLength(1);
    expect(results.filter((r) => r.status === 'fulfilled' && r.value.status === 'sent')).toHaveLength(1);
    // The others stood down (and retry later) or found it already sent.
    for (const r of results) if (r.status === 'rejected') expect((r.reason as Error).message).toContain('Another instance is sending');
    expect(await sendSchoolDigest(gmailDeps(), 'northgate', WEEK)).toMatchObject({ status: 'already-sent' });
  });

  it('a provider failure is recorded and the retry sends once', async () => {
    gmail.failNextSend = 503;
    await expect(sendSchoolDigest(gmailDeps(), 'northgate', WEEK)).rejects.toMatchObject({ status: 503 });
    expect(await models.digestSends.findById('northgate:2026-W47').lean()).toMatchObject({ state: 'building', lastError: expect.stringContaining('503') });
    expect(await sendSchoolDigest(gmailDeps(), 'northgate', WEEK)).toMatchObject({ status: 'sent' });
    expect(gmail.received).toHaveLength(1);
  });
});

describe('sending by Microsoft Graph (app-only)', () => {
  it('sends the MIME message with sendMail; a crash after sending is reconciled from Sent Items', async () => {
    const deps = graphDeps();
    await expect(sendSchoolDigest({ ...deps, hooks: { afterSend: () => { throw new Error('process died'); } } }, 'northgate', WEEK)).rejects.toThrow('process died');
    expect(graph.received).toHaveLength(1);
    expect(graph.received[0]?.sender).toBe('lantern@northgate.example');
    checkMessage(graph.received[0] as Received);
    expect(await sendSchoolDigest(deps, 'northgate', WEEK)).toEqual({ status: 'reconciled', providerMessageId: 'AAMk-1' });
    expect(graph.received).toHaveLength(1);
    expect(graph.tokenRequests).toBeGreaterThan(0);
  });
});

describe('without credentials (demo mode)', () => {
  it('says which environment variable is missing and sends nothing', async () => {
    const config = loadConfig({ env: { LOG_LEVEL: 'silent' } });
    const err = await sendSchoolDigest({ config, models, clock: () => NOW, logger, instanceId: 'demo' }, 'northgate', WEEK).catch((e: unknown) => e);
    expect(isLanternError(err, ErrorCode.MailNotConfigured)).toBe(true);
    expect((err as Error).message).toContain('LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE');
    expect(await models.digestSends.countDocuments()).toBe(0);
  });
  it('graph without a secret names LANTERN_MS_CLIENT_SECRET', () => {
    const config = digestConfig({ transport: 'graph', mail: { microsoft: { tenantId: TENANT, clientId: CLIENT } }, env: {} });
    expect(() => createMailTransport('graph', config.mail)).toThrow(/LANTERN_MS_CLIENT_SECRET/);
  });
});
