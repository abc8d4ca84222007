import { createSign, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, isLanternError } from '../src/errors.js';
import { makeInstall, makeMessage, postActivity, repliedCards, repliedTexts } from './support/activities.js';
import { BotFrameworkKeysStandIn } from './support/bot-framework-keys.js';
import { startTestLantern, type TestLantern } from './support/lantern.js';

function forgedToken(audience: string): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${enc({ alg: 'RS256', typ: 'JWT', kid: 'forged' })}.${enc({ iss: 'https://api.botframework.com', aud: audience, iat: now, nbf: now, exp: now + 3600, serviceurl: 'http://127.0.0.1:9/' })}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url');
  return `${unsigned}.${signature}`;
}

describe('demo mode', () => {
  let lantern: TestLantern;
  beforeAll(async () => {
    lantern = await startTestLantern();
  });
  afterAll(async () => lantern.close());

  it('answers the health and readiness probes', async () => {
    expect(await (await fetch(`${lantern.url}/healthz`)).json()).toEqual({ status: 'alive' });
    const ready = await fetch(`${lantern.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('listens on loopback only', () => {
    expect(lantern.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('replies to "help" with the help card for the demo teacher', async () => {
    const { status, body } = await postActivity(lantern.url, makeMessage('help'));
    expect(status).toBe(200);
    const [card] = repliedCards(body);
    const text = JSON.stringify(card);
    expect(card?.version).toBe('1.5');
    expect(text).toContain('Northgate Primary');
    expect(text).toContain('Hello Alex');
    expect(text).toContain('Your class');
    expect(text).not.toContain('${');
  });

  it('recognises the help command with a mention and odd spacing', async () => {
    const { body } = await postActivity(lantern.url, makeMessage('<at>Lantern</at>   HELP '));
    expect(repliedCards(body)).toHaveLength(1);
  });

  it('tells an unknown sender it cannot find them, and says what to do', async () => {
    const { body } = await postActivity(lantern.url, makeMessage('help', { from: { id: '29:stranger', aadObjectId: 'ffffffff-0000-0000-0000-000000000000' } }));
    expect(JSON.stringify(repliedCards(body)[0])).toContain("can't find your account");
  });

  it('answers unknown text with a pointer to help', async () => {
    const { body } = await postActivity(lantern.url, makeMessage('what is the wifi password'));
    expect(repliedTexts(body)[0]).toMatch(/Type \*\*help\*\*/);
  });

  it('stores the conversation reference when the app is installed, once per conversation', async () => {
    const install = makeInstall();
    await postActivity(lantern.url, install);
    await postActivity(lantern.url, { ...install, id: 'again' });
    const conversationId = (install.conversation as { id: string }).id;
    const refs = await lantern.models.conversationRefs.find({ conversationId }).lean();
    expect(refs).toHaveLength(1);
    expect(refs[0]).toMatchObject({ scope: 'personal', schoolId: 'northgate', installed: true });
    await postActivity(lantern.url, { ...install, action: 'remove' });
    expect((await lantern.models.conversationRefs.findOne({ conversationId }).lean())?.installed).toBe(false);
  });

  it('answers a button press with an unknown verb or no data with a clear card, never a 500', async () => {
    const invoke = (value: unknown) => makeMessage('', { type: 'invoke', name: 'adaptiveCard/action', text: undefined, value, deliveryMode: undefined });
    const unknown = await postActivity(lantern.url, invoke({ action: { type: 'Action.Execute', verb: 'no.such.verb', data: {} } }));
    expect(unknown.status).toBe(200);
    expect(unknown.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(unknown.body)).toContain('This card is out of date');

    const submit = await postActivity(lantern.url, makeMessage('', { text: undefined, value: { verb: 'no.such.verb' } }));
    expect(JSON.stringify(repliedCards(submit.body))).toContain('This card is out of date');

    const malformed = await postActivity(lantern.url, invoke({ action: 'not an object' }));
    expect(malformed.status).toBeLessThan(500);
  });

  it('rejects malformed requests with a clear 4xx and no stack trace', async () => {
    const bad = await postActivity(lantern.url, '{"type": "message", ');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'The request body is not valid JSON.' });
    const notActivity = await postActivity(lantern.url, { hello: 'world' });
    expect(notActivity.status).toBe(400);
    const missing = await fetch(`${lantern.url}/nothing-here`);
    expect(missing.status).toBe(404);
  });
});

describe('with Microsoft credentials configured', () => {
  let lantern: TestLantern;
  let keys: BotFrameworkKeysStandIn;
  const appId = '11111111-2222-4333-8444-555555555555';
  beforeAll(async () => {
    keys = await new BotFrameworkKeysStandIn().start();
    await keys.addKey('teams-key', ['msteams']);
    lantern = await startTestLantern({
      LANTERN_BOT_APP_ID: appId,
      LANTERN_BOT_APP_SECRET: 'test-secret',
      LANTERN_BOT_TENANT_ID: '66666666-7777-4888-9999-000000000000',
      LANTERN_BOT_OPENID_METADATA_URL: keys.metadataUrl,
    });
  });
  afterAll(async () => {
    await lantern.close();
    await keys.stop();
  });

  it('refuses an activity without a token with 401', async () => {
    const { status } = await postActivity(lantern.url, makeMessage('help'));
    expect(status).toBe(401);
  });

  it('refuses a forged token and a malformed Authorization header with 401', async () => {
    expect((await postActivity(lantern.url, makeMessage('help'), { authorization: `Bearer ${forgedToken(appId)}` })).status).toBe(401);
    expect((await postActivity(lantern.url, makeMessage('help'), { authorization: 'Basic abc' })).status).toBe(401);
  });

  it('still answers the health probe without a token', async () => {
    expect((await fetch(`${lantern.url}/healthz`)).status).toBe(200);
  });
});

describe('binding', () => {
  it('refuses to listen on 0.0.0.0 without credentials, with a message that says how to fix it', async () => {
    const err = await startTestLantern({ LANTERN_HOST: '0.0.0.0' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isLanternError(err, ErrorCode.BindRefused)).toBe(true);
    expect((err as Error).message).toMatch(/Refusing to listen on 0\.0\.0\.0.*LANTERN_BOT_APP_SECRET/s);
  });

  it('reports a busy port clearly', async () => {
    const first = await startTestLantern();
    try {
      const err = await startTestLantern({ PORT: String(first.port) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isLanternError(err, ErrorCode.PortInUse)).toBe(true);
    } finally {
      await first.close();
    }
  });
});

describe('background jobs', () => {
  it('schedules each school\'s directory sync and runs queued jobs exactly once', { timeout: 90_000 }, async () => {
    const lantern = await startTestLantern();
    try {
      let schedules = await lantern.models.jobSchedules.find({}).lean();
      const expected = ['directory.sync:northgate', 'jobs.cleanup'];
      for (let i = 0; i < 300 && !expected.every((n) => schedules.some((s) => s.name === n)); i++) {
        await new Promise((r) => setTimeout(r, 100));
        schedules = await lantern.models.jobSchedules.find({}).lean();
      }
      expect(schedules.map((s) => s.name)).toEqual(expect.arrayContaining(expected));
      const first = await lantern.jobs.enqueue('directory.sync', { key: 'manual-1', data: { schoolId: 'northgate' }, schoolId: 'northgate' });
      const again = await lantern.jobs.enqueue('directory.sync', { key: 'manual-1', data: { schoolId: 'northgate' }, schoolId: 'northgate' });
      expect(again.created).toBe(false);
      // Generous polling: the machine may be busy; the assertion is about the outcome, not the speed.
      for (let i = 0; i < 600; i++) {
        const job = await lantern.models.jobs.findById(first.job._id).lean();
        if (job?.status === 'done') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const done = await lantern.models.jobs.findById(first.job._id).lean();
      expect(done).toMatchObject({ status: 'done', attempts: 1, result: { upserted: 159, deactivated: 0 } });
    } finally {
      await lantern.close();
    }
  });
});
