import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { loadConfig } from '../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { createLogger } from '../../src/log/logger.js';
import { createAdapter } from '../../src/teams/adapter.js';
import { issueCampaign, planCampaign } from '../../src/agreements/campaigns.js';
import type { AgreementSend } from '../../src/agreements/campaign-model.js';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { RateLimiter } from '../../src/teams/send/rate-limit.js';
import { workSendQueue, type SendQueueDeps } from '../../src/teams/send/queue.js';
import { createProactiveSender } from '../../src/teams/send/proactive.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { startFakeBotConnector, type FakeBotConnector } from '../../src/bench/fake-bot-connector.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { policyPageLinks } from '../../src/agreements/policy-link.js';

let conn: Connection;
let models: Models;
let fake: FakeBotConnector;
const config = loadConfig({ env: { LOG_LEVEL: 'silent' } });
const school = 'northgate';
const sender = createProactiveSender(createAdapter(config), config);
const STAFF = 24;

function deps(workerId: string): SendQueueDeps {
  return {
    models,
    config,
    logger: createLogger({ level: 'silent' }),
    clock: () => new Date(),
    policyLinks: policyPageLinks(() => undefined),
    limiter: new RateLimiter(),
    workerId,
    concurrency: 8,
    claimLeaseMs: 500,
    backoff: { baseMs: 100, maxMs: 1_000, jitter: 0.2 },
    transport: async (reference, activity) => {
      await sender.send(reference, activity);
    },
  };
}

beforeAll(async () => {
  conn = await connectTestDatabase('agr_queue');
  models = createModels(conn);
  await ensureIndexes(models);
  fake = await startFakeBotConnector({ throttleRate: 0.1, badGatewayRate: 0.1, retryAfterSeconds: 1, seed: 7 });
  for (let i = 0; i < STAFF; i++) {
    const aad = `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`;
    await models.people.create({ schoolId: school, personId: `s${i}`, displayName: `Staff ${i}`, role: 'staff', aadObjectId: aad });
    // The last four have not installed Lantern.
    if (i < STAFF - 4) {
      await models.conversationRefs.create({
        conversationId: `a:conv-${i}`,
        scope: 'personal',
        aadObjectId: aad,
        schoolId: school,
        reference: { serviceUrl: fake.url, channelId: 'msteams', conversation: { id: `a:conv-${i}`, conversationType: 'personal', tenantId: 't1' }, user: { id: `29:u${i}` }, agent: { id: '28:bot' } },
      });
    }
  }
  await models.people.create({ schoolId: school, personId: 'p1', displayName: 'A Pupil', role: 'pupil', yearGroup: '1', form: 'Robins' });
});
afterAll(async () => {
  await fake?.close();
  await dropTestDatabase(conn);
});

describe('campaign send queue through the Agents SDK and a fake Bot Connector', () => {
  it('dry run lists who would receive what and changes nothing', async () => {
    const { version } = await publishVersion(models, findTemplate(loadPolicyLibrary(), 'staff-aua'), { schoolId: school, by: 'test' });
    const plan = await planCampaign(models, { schoolId: school, version, dueAt: new Date(), reminderDays: [3], createdBy: 't', reason: 'r' }, new Date());
    expect(plan.recipients).toHaveLength(STAFF);
    expect(plan.recipients.filter((r) => r.reachable)).toHaveLength(STAFF - 4);
    expect(await models.agreementSends.countDocuments()).toBe(0);
  });

  it('sends each reachable recipient one card despite 429s and 502s, with two workers at once', async () => {
    const version = await models.agreementVersions.findOne({ policyId: 'staff-aua' }).lean();
    const req = { schoolId: school, version: version as never, dueAt: new Date(Date.now() + 86_400_000), reminderDays: [3, 7], createdBy: 'test', reason: 'test', key: 'q1' };
    const first = await issueCampaign(models, req, new Date());
    const again = await issueCampaign(models, req, new Date());
    expect(first.queued).toBe(STAFF);
    expect(again).toMatchObject({ created: false, queued: 0 });

    const [a, b] = await Promise.all([
      workSendQueue(deps('w1'), { campaignId: first.campaign._id }, { waitForRetriesMs: 15_000 }),
      workSendQueue(deps('w2'), { campaignId: first.campaign._id }, { waitForRetriesMs: 15_000 }),
    ]);
    expect((a?.sent ?? 0) + (b?.sent ?? 0)).toBe(STAFF - 4);
    expect(fake.stats.throttledInjected + fake.stats.badGateway).toBeGreaterThan(0);
    const perConversation = new Map<string, number>();
    for (const d of fake.deliveries) perConversation.set(d.conversationId, (perConversation.get(d.conversationId) ?? 0) + 1);
    expect(perConversation.size).toBe(STAFF - 4);
    expect([...perConversation.values()].every((n) => n === 1)).toBe(true);
    const card = (fake.deliveries[0]?.activity.attachments as { content: { actions: { verb?: string; fallback?: { type: string } }[] } }[])[0]?.content;
    expect(card?.actions[0]).toMatchObject({ verb: 'agreement.sign', fallback: { type: 'Action.Submit' } });
    expect(await models.agreementSendResults.countDocuments({ status: 'unreachable', detail: /not installed/ })).toBe(4);
    expect(await models.agreementSendResults.countDocuments({ status: 'sent' })).toBe(STAFF - 4);
  }, 60_000);

  it('after a crash between the POST and the record, resends with the same delivery id and the connector drops the repeat', async () => {
    const sent = await models.agreementSendResults.findOne({ status: 'sent' }).lean();
    expect(sent).not.toBeNull();
    // Rewind it to how a worker killed after its POST leaves it: no outcome recorded (so still open), a claim held by a dead worker.
    await models.agreementSendResults.deleteOne({ _id: sent?._id });
    await models.agreementOpenSends.create((await models.agreementSends.findById(sent?._id).lean()) as AgreementSend);
    await models.agreementSendClaims.updateOne({ _id: `${sent?._id}#${sent?.attempts}` }, { $set: { at: new Date(Date.now() - 60_000), by: 'dead' } });
    const before = fake.deliveries.length;
    const summary = await workSendQueue(deps('w3'), { campaignId: sent?.campaignId }, { waitForRetriesMs: 15_000 });
    expect(summary.sent).toBe(1);
    expect(fake.deliveries.length).toBe(before);
    expect(fake.stats.deduplicated).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
