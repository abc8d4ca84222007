import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { loadConfig } from '../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { createLogger } from '../../src/log/logger.js';
import { createAdapter } from '../../src/teams/adapter.js';
import { issueCampaign } from '../../src/agreements/campaigns.js';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { RateLimiter } from '../../src/teams/send/rate-limit.js';
import { SendFeed } from '../../src/teams/send/feed.js';
import { TenantSendLease } from '../../src/teams/send/lease.js';
import { workSendQueue, type SendQueueDeps } from '../../src/teams/send/queue.js';
import { createProactiveSender } from '../../src/teams/send/proactive.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { busiestSecond, startFakeBotConnector, type FakeBotConnector } from '../../src/bench/fake-bot-connector.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { policyPageLinks } from '../../src/agreements/policy-link.js';

// Two Lantern instances sending for one tenant: each has its own limiter (as separate processes would),
// and the per-tenant sender lease in the database is all that keeps them to 50 requests a second together.
let conn: Connection;
let models: Models;
let fake: FakeBotConnector;
const config = loadConfig({ env: { LOG_LEVEL: 'silent' } });
const sender = createProactiveSender(createAdapter(config), config);
const school = 'northgate';
const STAFF = 150;

/** Dispatch times of every request either instance made, as the instances themselves saw them. */
const dispatched: { at: number; by: string }[] = [];

function instance(name: string, abortAfter?: { sends: number; controller: AbortController }): SendQueueDeps {
  let sends = 0;
  return {
    models,
    config,
    logger: createLogger({ level: 'silent' }),
    clock: () => new Date(),
    policyLinks: policyPageLinks(() => undefined),
    limiter: new RateLimiter(),
    lease: new TenantSendLease(models, name, { slotMs: 2_000 }),
    workerId: name,
    claimLeaseMs: 1_000,
    backoff: { baseMs: 200, maxMs: 1_000, jitter: 0.2 },
    transport: async (reference, activity) => {
      dispatched.push({ at: Date.now(), by: name });
      await sender.send(reference, activity);
      // Stops the instance mid-campaign, as a shutdown would: the rest must be sent by the other one.
      if (abortAfter && ++sends === abortAfter.sends) abortAfter.controller.abort();
    },
  };
}


beforeAll(async () => {
  conn = await connectTestDatabase('agr_lease');
  models = createModels(conn);
  await ensureIndexes(models);
  fake = await startFakeBotConnector({ throttleRate: 0.02, badGatewayRate: 0.02, retryAfterSeconds: 1, seed: 11 });
  const people = [];
  const refs = [];
  for (let i = 0; i < STAFF; i++) {
    const aad = `lease-${i}`;
    people.push({ schoolId: school, personId: `l${i}`, displayName: `Staff ${i}`, role: 'staff', aadObjectId: aad });
    refs.push({
      conversationId: `a:lease-${i}`,
      scope: 'personal',
      aadObjectId: aad,
      schoolId: school,
      reference: { serviceUrl: fake.url, channelId: 'msteams', conversation: { id: `a:lease-${i}`, conversationType: 'personal', tenantId: 't-lease' }, user: { id: `29:l${i}` }, agent: { id: '28:bot' } },
    });
  }
  await models.people.insertMany(people);
  await models.conversationRefs.insertMany(refs);
}, 60_000);
afterAll(async () => {
  await fake?.close();
  await dropTestDatabase(conn);
});

describe('per-tenant sender lease across instances', () => {
  it('only one instance holds a tenant at a time; the other takes over once it stops', async () => {
    const a = new TenantSendLease(models, 'lease-a', { slotMs: 2_000, skewMs: 0 });
    const b = new TenantSendLease(models, 'lease-b', { slotMs: 2_000, skewMs: 0 });
    const leaveA = a.join();
    const leaveB = b.join();
    expect(await a.waitMs('t-unit')).toBe(0);
    expect(await b.waitMs('t-unit')).toBeGreaterThan(0);
    expect(b.mayStillSend('t-unit')).toBe(false);
    await leaveA();
    await leaveB();
  });

  it('two instances sending one campaign stay under 50 requests a second together and send each card once', async () => {
    const { version } = await publishVersion(models, findTemplate(loadPolicyLibrary(), 'staff-aua'), { schoolId: school, by: 'test' });
    const stopA = new AbortController();
    const feed = new SendFeed();
    const issuing = issueCampaign(models, { schoolId: school, version, dueAt: new Date(Date.now() + 86_400_000), reminderDays: [3], createdBy: 'test', reason: 'test', key: 'pair' }, new Date(), (items, people) => feed.push(items, people)).finally(() => feed.close());
    const campaignId = `${school}:staff-aua:v1:pair`;
    const [ra, rb] = await Promise.allSettled([
      workSendQueue(instance('instance-a', { sends: 40, controller: stopA }), { campaignId }, { signal: stopA.signal, feed, waitForRetriesMs: 10_000 }),
      // B starts once A is sending, so A holds the lease first.
      (async () => {
        while (!dispatched.some((d) => d.by === 'instance-a')) await new Promise((r) => setTimeout(r, 20));
        return workSendQueue(instance('instance-b'), { campaignId }, { waitForRetriesMs: 10_000 });
      })(),
      issuing,
    ]);
    expect(ra.status).toBe('rejected');
    expect(rb.status).toBe('fulfilled');

    // Both instances sent: A until it stopped, then B.
    expect(dispatched.filter((d) => d.by === 'instance-a').length).toBeGreaterThanOrEqual(40);
    expect(dispatched.filter((d) => d.by === 'instance-b').length).toBeGreaterThan(0);
    expect(busiestSecond(dispatched.map((d) => d.at))).toBeLessThanOrEqual(50);
    // A's requests and B's are never in the same second.
    const lastA = Math.max(...dispatched.filter((d) => d.by === 'instance-a').map((d) => d.at));
    const firstB = Math.min(...dispatched.filter((d) => d.by === 'instance-b').map((d) => d.at));
    expect(firstB - lastA).toBeGreaterThanOrEqual(1_000);

    const perConversation = new Map<string, number>();
    for (const d of fake.deliveries) perConversation.set(d.conversationId, (perConversation.get(d.conversationId) ?? 0) + 1);
    expect(perConversation.size).toBe(STAFF);
    expect([...perConversation.values()].every((n) => n === 1)).toBe(true);
    expect(await models.agreementSendResults.countDocuments({ campaignId, status: 'sent' })).toBe(STAFF);
  }, 60_000);
});
