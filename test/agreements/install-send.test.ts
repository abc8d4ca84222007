import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeActivity, makeInstall, postActivity } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { startFakeBotConnector, type FakeBotConnector } from '../../src/bench/fake-bot-connector.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { RateLimiter } from '../../src/teams/send/rate-limit.js';
import { sendId } from '../../src/agreements/campaigns.js';
import { workSendQueue, type SendQueueDeps } from '../../src/teams/send/queue.js';
import { installedSendId } from '../../src/teams/agreements/on-install.js';
import { policyPageLinks } from '../../src/agreements/policy-link.js';

// Cards "not reachable — Lantern not installed for them" go out when the person installs Lantern: through
// the real /api/messages endpoint and Agents SDK, replies going to a fake Bot Connector (normal delivery).
let lantern: TestLantern;
let connector: FakeBotConnector;
const TENANT = '00000000-0000-0000-0000-0000000000001';
const CAMPAIGN = 'northgate:staff-aua:v1:demo-staff-aua';
const GRACE = { personId: 'staff-006', aad: '00000000-0000-0000-0000-00000000g006', name: 'Grace Liu', chat: 'a:grace-chat' };
const TOM = { personId: 'staff-007', aad: '00000000-0000-0000-0000-00000000t007', name: 'Tom Ashworth', chat: 'a:tom-chat' };

function install(who: typeof GRACE, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return makeInstall({
    deliveryMode: undefined,
    serviceUrl: connector.url,
    from: { id: `29:${who.personId}`, name: who.name, aadObjectId: who.aad },
    conversation: { id: who.chat, conversationType: 'personal', tenantId: TENANT },
    ...overrides,
  });
}

const cardsIn = (chat: string) => connector.deliveries.filter((d) => d.conversationId === chat && JSON.stringify(d.activity).includes('agreement.sign'));

function queueDeps(): SendQueueDeps {
  return {
    models: lantern.models,
    config: loadConfig({ env: { LOG_LEVEL: 'silent' } }),
    logger: createLogger({ level: 'silent' }),
    clock: () => new Date(),
    policyLinks: policyPageLinks(() => undefined),
    limiter: new RateLimiter(),
    workerId: 'test-queue',
    transport: async () => {
      throw new Error('no one in this test is reachable by the queue');
    },
  };
}

beforeAll(async () => {
  connector = await startFakeBotConnector();
  lantern = await startTestLantern();
  for (const p of [GRACE, TOM]) await lantern.models.people.updateOne({ schoolId: 'northgate', personId: p.personId }, { $set: { aadObjectId: p.aad } });
}, 60_000);
afterAll(async () => {
  await lantern?.close();
  await connector?.close();
});

describe('pending agreement cards when someone installs Lantern later', () => {
  it('sends the card reported "not reachable" as soon as the person installs Lantern, once however often installs arrive', async () => {
    // The campaign's queue runs while Grace has not installed Lantern: her card is recorded not reachable.
    await workSendQueue(queueDeps(), { campaignId: CAMPAIGN });
    expect(await lantern.models.agreementSendResults.findById(sendId(CAMPAIGN, GRACE.personId, 0)).lean()).toMatchObject({ status: 'unreachable', detail: expect.stringContaining('not installed') });
    expect(cardsIn(GRACE.chat)).toHaveLength(0);

    const res = await postActivity(lantern.url, install(GRACE));
    expect(res.status).toBeLessThan(300);
    expect(cardsIn(GRACE.chat)).toHaveLength(1);
    const card = JSON.stringify(cardsIn(GRACE.chat)[0]?.activity);
    expect(card).toContain('Staff acceptable use agreement');
    expect(card).toContain(`29:${GRACE.personId}`);
    expect(await lantern.models.agreementSendResults.findById(installedSendId(CAMPAIGN, GRACE.personId)).lean()).toMatchObject({ status: 'sent' });

    // Teams also sends a conversationUpdate for the same install, and may repeat the installationUpdate.
    await postActivity(lantern.url, install(GRACE, { type: 'conversationUpdate', action: undefined, membersAdded: [{ id: '28:lantern-bot' }] }));
    await postActivity(lantern.url, install(GRACE, { id: 'repeat' }));
    // Nor does a later run of the queue send it again.
    await workSendQueue(queueDeps(), { campaignId: CAMPAIGN });
    expect(cardsIn(GRACE.chat)).toHaveLength(1);
  });

  it('sends a card the queue has not reached yet on install, and the queue then leaves it alone', async () => {
    // A campaign issued just now: Tom's first card is queued but not attempted.
    await lantern.models.agreementSendResults.deleteOne({ _id: sendId(CAMPAIGN, TOM.personId, 0) });
    await lantern.models.agreementSendClaims.deleteMany({ _id: { $regex: `^${sendId(CAMPAIGN, TOM.personId, 0)}#` } });
    await postActivity(lantern.url, install(TOM, { type: 'conversationUpdate', action: undefined, membersAdded: [{ id: '28:lantern-bot' }] }));
    expect(cardsIn(TOM.chat)).toHaveLength(1);
    expect(await lantern.models.agreementSendResults.findById(sendId(CAMPAIGN, TOM.personId, 0)).lean()).toMatchObject({ status: 'sent' });
    await postActivity(lantern.url, install(TOM));
    expect(cardsIn(TOM.chat)).toHaveLength(1);
  });

  it('posts nothing for a conversationUpdate that adds no one, or for someone not in the directory', async () => {
    const before = connector.deliveries.length;
    await postActivity(lantern.url, install(GRACE, { type: 'conversationUpdate', action: undefined, conversation: { id: 'a:grace-other', conversationType: 'personal', tenantId: TENANT } }));
    const stranger = await postActivity(lantern.url, makeActivity({ type: 'installationUpdate', action: 'add', deliveryMode: undefined, serviceUrl: connector.url, from: { id: '29:x', name: 'Stranger', aadObjectId: '00000000-0000-0000-0000-00000000dead' } }));
    expect(stranger.status).toBeLessThan(300);
    expect(connector.deliveries.length).toBe(before);
  });
});
