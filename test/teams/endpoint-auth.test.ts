import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Activity } from '@microsoft/agents-activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFileConfig } from '../../src/config/demo.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { startLantern, type RunningLantern } from '../../src/server/start.js';
import { saveConversationRef } from '../../src/teams/conversation-ref.js';
import { makeActivity, postActivity, repliedCards } from '../support/activities.js';
import { BotFrameworkKeysStandIn } from '../support/bot-framework-keys.js';
import { testMongoUri } from '../support/db.js';

const APP_ID = '11111111-2222-4333-8444-555555555555';
const SCHOOL_TENANT = '6a1b2c3d-0000-4000-8000-00000000a0a0';
const OTHER_TENANT = '7b2c3d4e-0000-4000-8000-00000000b0b0';
const SERVICE_URL = 'http://127.0.0.1:9/';
const DSL_CHANNEL = '19:demo-dsl-channel@thread.tacv2';

let keys: BotFrameworkKeysStandIn;
let lantern: RunningLantern;
const logLines: string[] = [];

/** The demo school, in a real tenant, with Microsoft credentials and the local key stand-in. */
async function startWithCredentials(): Promise<RunningLantern> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-auth-'));
  const file = path.join(dir, 'lantern.config.json');
  const demo = demoFileConfig();
  writeFileSync(file, JSON.stringify({ ...demo, schools: demo.schools.map((s) => ({ ...s, microsoft: { tenantId: SCHOOL_TENANT } })) }));
  const config = loadConfig({
    file,
    cwd: dir,
    env: {
      MONGODB_URI: `${testMongoUri()}auth_${randomUUID().replace(/-/g, '').slice(0, 12)}`,
      PORT: '0',
      LOG_LEVEL: 'info',
      LANTERN_BOT_APP_ID: APP_ID,
      LANTERN_BOT_APP_SECRET: 'test-secret',
      LANTERN_BOT_OPENID_METADATA_URL: keys.metadataUrl,
    },
  });
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString().trim().split('\n'));
      done();
    },
  });
  return startLantern(config, createLogger({ level: 'info', destination }), { backgroundJobs: false });
}

/**
 * A school user's activity. No serviceUrl unless a test sets one: the replies come back in the HTTP response
 * (expectReplies), so the SDK needs no outbound token from Entra, which a test cannot reach.
 */
function schoolActivity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return makeActivity({
    text: 'help',
    serviceUrl: undefined,
    conversation: { id: `a:personal-${randomUUID()}`, conversationType: 'personal', tenantId: SCHOOL_TENANT },
    channelData: { tenant: { id: SCHOOL_TENANT } },
    ...overrides,
  });
}

function channelToken(claims: Record<string, unknown> = {}, options: { kid?: string; expiresInSeconds?: number } = {}): Promise<string> {
  return keys.sign({ iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: SERVICE_URL, ...claims }, options);
}

async function post(activity: unknown, token?: string) {
  return postActivity(lantern.url, activity, token ? { authorization: `Bearer ${token}` } : {});
}

function channelUpdate(conversationId: string, serviceUrl: string | undefined): Record<string, unknown> {
  return schoolActivity({
    type: 'conversationUpdate',
    text: undefined,
    serviceUrl,
    conversation: { id: conversationId, conversationType: 'channel', isGroup: true, tenantId: SCHOOL_TENANT },
    channelData: { tenant: { id: SCHOOL_TENANT }, team: { id: '19:team@thread.tacv2' }, channel: { id: conversationId }, eventType: 'teamMemberAdded' },
    membersAdded: [{ id: '28:lantern-bot' }],
  });
}

beforeAll(async () => {
  keys = await new BotFrameworkKeysStandIn().start();
  await keys.addKey('teams-key', ['msteams', 'webchat']);
  await keys.addKey('webchat-only', ['webchat']);
  lantern = await startWithCredentials();
}, 60_000);

afterAll(async () => {
  await lantern?.connection.dropDatabase().catch(() => undefined);
  await lantern?.stop();
  await keys?.stop();
});

describe('/api/messages accepts only Bot Framework channel tokens', () => {
  it('runs an activity with a valid channel token from a school tenant', async () => {
    const { status, body } = await post(schoolActivity(), await channelToken());
    expect(status).toBe(200);
    expect(JSON.stringify(repliedCards(body)[0])).toContain('Hello Alex');
  });

  it('accepts a token expired less than the 5 minutes of allowed clock skew, and refuses one expired longer ago', async () => {
    expect((await post(schoolActivity(), await channelToken({}, { expiresInSeconds: -120 }))).status).toBe(200);
    expect((await post(schoolActivity(), await channelToken({}, { expiresInSeconds: -600 }))).status).toBe(401);
  });

  it('refuses a token issued by an Entra tenant, even signed by a trusted key with our app id as audience', async () => {
    const foreign = await channelToken({ iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`, tid: OTHER_TENANT });
    expect((await post(schoolActivity(), foreign)).status).toBe(401);
    const v1 = await channelToken({ iss: `https://sts.windows.net/${OTHER_TENANT}/`, tid: OTHER_TENANT });
    expect((await post(schoolActivity(), v1)).status).toBe(401);
  });

  it('refuses a token for another audience, one without a serviceurl claim, and one signed by an unknown key', async () => {
    expect((await post(schoolActivity(), await channelToken({ aud: '99999999-9999-4999-8999-999999999999' }))).status).toBe(401);
    expect((await post(schoolActivity(), await channelToken({ aud: 'https://api.botframework.com' }))).status).toBe(401);
    expect((await post(schoolActivity(), await channelToken({ serviceurl: undefined }))).status).toBe(401);
    const other = new BotFrameworkKeysStandIn();
    await other.addKey('teams-key', ['msteams']);
    const forged = await other.sign({ iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: SERVICE_URL });
    expect((await post(schoolActivity(), forged)).status).toBe(401);
  });

  it('refuses an activity from a channel the signing key does not endorse with 403', async () => {
    expect((await post(schoolActivity(), await channelToken({}, { kid: 'webchat-only' }))).status).toBe(403);
  });

  it('refuses an activity whose serviceUrl is not the host the token names with 400', async () => {
    expect((await post(schoolActivity({ serviceUrl: 'https://attacker.example/' }), await channelToken())).status).toBe(400);
    expect((await post(schoolActivity({ serviceUrl: 'not a url' }), await channelToken())).status).toBe(400);
    // No serviceUrl is only allowed when the replies come back in the response.
    expect((await post(schoolActivity({ deliveryMode: undefined }), await channelToken())).status).toBe(400);
  });

  it('refuses an activity from a tenant that is not a configured school with 403, logging no personal data', async () => {
    const activity = schoolActivity({
      from: { id: '29:user-1', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-0000000000020' },
      conversation: { id: `a:personal-${randomUUID()}`, conversationType: 'personal', tenantId: OTHER_TENANT },
      channelData: { tenant: { id: OTHER_TENANT } },
    });
    expect((await post(activity, await channelToken())).status).toBe(403);
    const refused = logLines.filter((l) => l.includes('"unknown-tenant"'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain(OTHER_TENANT);
    expect(refused[0]).not.toMatch(/Alex|0000000000020|user-1/);
    // Two tenants named on one activity, or none at all, are refused too.
    expect((await post(schoolActivity({ channelData: { tenant: { id: OTHER_TENANT } } }), await channelToken())).status).toBe(400);
    expect((await post(schoolActivity({ conversation: { id: 'a:x', conversationType: 'personal' }, channelData: {} }), await channelToken())).status).toBe(403);
  });
});

describe('conversation references', () => {
  const seeded = { serviceUrl: SERVICE_URL, channelId: 'msteams', conversation: { id: DSL_CHANNEL, isGroup: true, conversationType: 'channel' } };

  it('refuses a forged conversationUpdate that would re-point the DSL channel, and leaves the stored reference as it was', async () => {
    const refs = lantern.models.conversationRefs;
    await refs.create({ conversationId: DSL_CHANNEL, scope: 'channel', schoolId: 'northgate', tenantId: SCHOOL_TENANT, reference: seeded });
    const before = await refs.findOne({ conversationId: DSL_CHANNEL }).lean();
    // The token names Microsoft's host; the activity names the attacker's.
    expect((await post(channelUpdate(DSL_CHANNEL, 'https://attacker.example/'), await channelToken())).status).toBe(400);
    // Without any serviceUrl the turn runs (replies in the response) but stores nothing.
    expect((await post(channelUpdate(`${DSL_CHANNEL};messageid=1`, undefined), await channelToken())).status).toBe(200);
    const after = await refs.find({ scope: 'channel' }).lean();
    expect(after).toHaveLength(1);
    expect(after[0]?.reference).toEqual(before?.reference);
    expect(after[0]?.updatedAt).toEqual(before?.updatedAt);
  });

  it('never moves a stored reference, or adds a channel beside the school\'s, at another host', async () => {
    const refs = lantern.models.conversationRefs;
    const save = (conversationId: string, serviceUrl: string) => saveConversationRef(refs, Activity.fromObject(channelUpdate(conversationId, serviceUrl)), { schoolId: 'northgate', tenantId: SCHOOL_TENANT });
    expect(await save(DSL_CHANNEL, 'https://attacker.example/')).toBe('host-changed');
    expect(await save('19:another-channel@thread.tacv2', 'https://attacker.example/')).toBe('host-changed');
    expect((await refs.findOne({ conversationId: DSL_CHANNEL }).lean())?.reference).toEqual(seeded);
    // The same host (another regional path) still refreshes it.
    expect(await save(DSL_CHANNEL, 'http://127.0.0.1:9/uk/')).toBe('stored');
    expect((await refs.findOne({ conversationId: DSL_CHANNEL }).lean())?.reference).toMatchObject({ serviceUrl: 'http://127.0.0.1:9/uk/' });
    expect(await refs.countDocuments({ scope: 'channel' })).toBe(1);
  });
});

describe('the body is read only after authentication, and only so much of it', () => {
  const raw = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${lantern.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('answers an unauthenticated 10 MB or deeply nested body with 401, without reading it', async () => {
    const started = Date.now();
    expect((await raw(`{"type":"message","text":"${'a'.repeat(10 * 1024 * 1024)}"}`)).status).toBe(401);
    expect((await raw('['.repeat(200_000), { authorization: 'Bearer not.a.token' })).status).toBe(401);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses an authenticated body over 256 KB with 413 and one nested deeper than 32 levels with 400', async () => {
    const token = await channelToken();
    const big = JSON.stringify(schoolActivity({ text: 'a'.repeat(300 * 1024) }));
    expect((await raw(big, { authorization: `Bearer ${token}` })).status).toBe(413);
    const nested = JSON.stringify(schoolActivity({ value: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) }));
    const started = Date.now();
    expect((await raw(nested, { authorization: `Bearer ${token}` })).status).toBe(400);
    const deep = `{"type":"message","value":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect((await raw(deep, { authorization: `Bearer ${token}` })).status).toBe(400);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('answers wrong-typed activity fields with 400 and no stack trace in the log', async () => {
    const token = await channelToken();
    const cases = [
      schoolActivity({ from: { id: '29:user-1', aadObjectId: { $ne: null } } }),
      schoolActivity({ conversation: { id: { $gt: '' }, tenantId: SCHOOL_TENANT } }),
      schoolActivity({ channelData: { tenant: { id: 42 } } }),
      schoolActivity({ conversation: { id: 'a:1', tenantId: ['x'] } }),
      schoolActivity({ timestamp: 7, recipient: 'lantern' }),
    ];
    for (const activity of cases) expect((await post(activity, token)).status).toBe(400);
    expect(logLines.filter((l) => l.includes('"stack"') || l.includes('"level":50'))).toEqual([]);
  });
});
