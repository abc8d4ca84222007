import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import type { AgreementSend } from '../../src/agreements/campaign-model.js';
import { issueCampaign, queueSends, sendId } from '../../src/agreements/campaigns.js';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { policyPageLinks } from '../../src/agreements/policy-link.js';
import { publishVersion } from '../../src/agreements/versions.js';
import type { AgreementVersion } from '../../src/agreements/version-model.js';
import { startFakeBotConnector, type FakeBotConnector } from '../../src/bench/fake-bot-connector.js';
import { loadConfig } from '../../src/config/load.js';
import { runMigrations } from '../../src/db/migrations.js';
import { createLogger } from '../../src/log/logger.js';
import { STARTUP_MIGRATIONS } from '../../src/server/migrations.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { createAdapter } from '../../src/teams/adapter.js';
import { createProactiveSender } from '../../src/teams/send/proactive.js';
import { workSendQueue, type SendQueueDeps } from '../../src/teams/send/queue.js';
import { RateLimiter } from '../../src/teams/send/rate-limit.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';

/*
 * The send queue reads only the open sends. These check that no card is lost or sent twice around them: a card
 * queued by an earlier release, a crash between the open row and the queued send, a finished card queued again.
 */
let conn: Connection;
let models: Models;
let fake: FakeBotConnector;
let version: AgreementVersion;
const config = loadConfig({ env: { LOG_LEVEL: 'silent' } });
const logger = createLogger({ level: 'silent' });
const school = 'northgate';
const sender = createProactiveSender(createAdapter(config), config);

const deps = (): SendQueueDeps => ({
  models,
  config,
  logger,
  clock: () => new Date(),
  policyLinks: policyPageLinks(() => undefined),
  limiter: new RateLimiter(),
  workerId: 'w1',
  transport: async (reference, activity) => {
    await sender.send(reference, activity);
  },
});

beforeAll(async () => {
  conn = await connectTestDatabase('agr_open');
  models = createModels(conn);
  await ensureIndexes(models);
  fake = await startFakeBotConnector({ seed: 5 });
  for (let i = 0; i < 3; i++) {
    const aad = `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`;
    await models.people.create({ schoolId: school, personId: `s${i}`, displayName: `Staff ${i}`, role: 'staff', aadObjectId: aad });
    await models.conversationRefs.create({
      conversationId: `a:conv-${i}`,
      scope: 'personal',
      aadObjectId: aad,
      schoolId: school,
      reference: { serviceUrl: fake.url, channelId: 'msteams', conversation: { id: `a:conv-${i}`, conversationType: 'personal', tenantId: 't1' }, user: { id: `29:u${i}` }, agent: { id: '28:bot' } },
    });
  }
  ({ version } = await publishVersion(models, findTemplate(loadPolicyLibrary(), 'staff-aua'), { schoolId: school, by: 'test' }));
});
afterAll(async () => {
  await fake?.close();
  await dropTestDatabase(conn);
});

async function issue(key: string) {
  const { campaign } = await issueCampaign(models, { schoolId: school, version, dueAt: new Date(Date.now() + 86_400_000), reminderDays: [3], createdBy: 'test', reason: 'test', key }, new Date());
  return campaign;
}

describe('the open sends', () => {
  it('after the upgrade, cards an earlier release queued and never sent are sent once; those already sent are not', async () => {
    const campaign = await issue('upgrade');
    // As an earlier release left it: s0's card sent (an outcome), s1's and s2's queued but not sent, nothing open.
    await models.agreementOpenSends.deleteMany({});
    const first = sendId(campaign._id, 's0', 0);
    await models.agreementSendResults.create({ _id: first, schoolId: school, campaignId: campaign._id, personId: 's0', round: 0, status: 'sent', attempts: 1, at: new Date() });
    await models.agreementSendClaims.create({ _id: `${first}#1`, by: 'old', at: new Date() });

    await runMigrations(conn.db!, STARTUP_MIGRATIONS, { owner: 'test', logger });
    expect((await models.agreementOpenSends.find({ campaignId: campaign._id }).lean()).map((s) => s.personId).sort()).toEqual(['s1', 's2']);
    const before = fake.deliveries.length;
    expect((await workSendQueue(deps(), { campaignId: campaign._id })).sent).toBe(2);
    expect(fake.deliveries.length - before).toBe(2);
    expect(await models.agreementOpenSends.countDocuments({ campaignId: campaign._id })).toBe(0);
  });

  it('a crash between the open row and the queued send still sends the card, and queuing it again does not send it twice', async () => {
    const campaign = await issue('crash');
    expect((await workSendQueue(deps(), { campaignId: campaign._id })).sent).toBe(3);
    // s0's reminder: its open row was written, then the process died before the queued send.
    const reminder: AgreementSend = { _id: sendId(campaign._id, 's0', 1), schoolId: school, campaignId: campaign._id, personId: 's0', round: 1, dueAt: new Date(), deliveryId: 'reminder-s0-1' };
    await models.agreementOpenSends.create(reminder);
    const before = fake.deliveries.length;
    expect((await workSendQueue(deps(), { campaignId: campaign._id })).sent).toBe(1);
    expect(fake.deliveries.length - before).toBe(1);

    // The next pass does not see it queued and queues it again; every first card is queued again too (an install).
    expect(await queueSends(models, campaign, ['s0'], 1, new Date())).toBe(1);
    expect(await queueSends(models, campaign, ['s0', 's1', 's2'], 0, new Date())).toBe(0);
    const again = await workSendQueue(deps(), { campaignId: campaign._id });
    expect(again.sent).toBe(0);
    expect(fake.deliveries.length - before).toBe(1);
    // Each row came back finished and is settled by the run.
    expect(await models.agreementOpenSends.countDocuments({ campaignId: campaign._id })).toBe(0);
  });
});
