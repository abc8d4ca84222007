import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createAdapter } from '../../src/teams/adapter.js';
import { createProactiveSender } from '../../src/teams/send/proactive.js';
import { PER_CONVERSATION_LIMITS, PER_TENANT_LIMITS, RateLimiter } from '../../src/teams/send/rate-limit.js';
import { busiestSecond, startFakeBotConnector, type FakeBotConnector } from '../../src/bench/fake-bot-connector.js';

// The limiter against a real HTTP stand-in for the Bot Connector, which counts requests as they arrive, as Teams does.
let fake: FakeBotConnector;
const config = loadConfig({ env: { LOG_LEVEL: 'silent' } });
const sender = createProactiveSender(createAdapter(config), config);

beforeAll(async () => {
  fake = await startFakeBotConnector({ seed: 5 });
});
afterAll(async () => {
  await fake?.close();
});


/** Repeatable pseudo-random numbers in [0, 1). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the send rate limiter', () => {
  it('keeps a request in its window until it is answered, however late it leaves', async () => {
    const limiter = new RateLimiter();
    const windows = [{ limit: 2, ms: 200 }];
    const first = await limiter.acquire([{ key: 'k', windows }]);
    await limiter.acquire([{ key: 'k', windows }]);
    let third = 0;
    void limiter.acquire([{ key: 'k', windows }]).then(() => (third = Date.now()));
    // Both are still on their way (not answered): a window's length after they were let through is not enough.
    await sleep(350);
    expect(third).toBe(0);
    const answered = Date.now();
    first();
    await sleep(350);
    expect(third).toBeGreaterThanOrEqual(answered + 200);
  });

  it('never lets more than 50 a second reach the connector, with the requests held up on their way out', async () => {
    const random = seeded(18);
    const limiter = new RateLimiter();
    const before = fake.requestTimes.length;
    const total = 240;
    const refused: unknown[] = [];
    let next = 0;
    const started = Date.now();
    const lane = async () => {
      while (next < total) {
        const i = next++;
        const conversation = { id: `a:rate-${i}`, conversationType: 'personal', tenantId: 't-rate' };
        const release = await limiter.acquire([
          { key: 'tenant:t-rate', windows: PER_TENANT_LIMITS },
          { key: `conversation:${conversation.id}`, windows: PER_CONVERSATION_LIMITS },
        ]);
        try {
          // Between the limiter and the wire: a late timer, a slow hop, now and then a busy event loop.
          await sleep(random() * 60);
          if (random() < 0.05) {
            const until = Date.now() + 40 + random() * 80;
            while (Date.now() < until);
          }
          await sender.send({ serviceUrl: fake.url, channelId: 'msteams', conversation, user: { id: `29:r${i}` }, agent: { id: '28:bot' } }, { type: 'message', text: 'hello' }).catch((err: unknown) => refused.push(err));
        } finally {
          release();
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, lane));
    const seconds = (Date.now() - started) / 1_000;
    expect(fake.requestTimes.length - before).toBe(total);
    expect(busiestSecond(fake.requestTimes.slice(before))).toBeLessThanOrEqual(50);
    expect(fake.stats.throttledByLimit).toBe(0);
    expect(refused).toEqual([]);
    // Not by going slowly: close to the limit.
    expect(total / seconds).toBeGreaterThan(40);
  }, 30_000);
});
