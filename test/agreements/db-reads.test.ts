import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as ACData from 'adaptivecards-templating';
import type { Connection } from 'mongoose';
import { issueCampaign } from '../../src/agreements/campaigns.js';
import { recordSignature } from '../../src/agreements/evidence.js';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { verifyChain } from '../../src/agreements/verify.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { startFakeBotConnector, type FakeBotConnector } from '../../src/bench/fake-bot-connector.js';
import { loadConfig } from '../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { createLogger } from '../../src/log/logger.js';
import { createAdapter } from '../../src/teams/adapter.js';
import { RateLimiter } from '../../src/teams/send/rate-limit.js';
import { workSendQueue, type SendQueueDeps } from '../../src/teams/send/queue.js';
import { SendFeed } from '../../src/teams/send/feed.js';
import { createProactiveSender } from '../../src/teams/send/proactive.js';
import { dropTestDatabase } from '../support/db.js';
import { commandCount, connectMeteredDatabase, type CommandMeter } from './sim/meter.js';
import { calendarOf } from '../../src/agreements/academic-year.js';
import { policyPageLinks } from '../../src/agreements/policy-link.js';
import type { AgreementVersion } from '../../src/agreements/version-model.js';

// The demo school's calendar: 1 September, Europe/London.
const calendar = calendarOf({ timezone: 'Europe/London' });
/*
 * FerretDB reads a whole collection for each query, so the agreements' hot paths are held to a number of
 * queries: these fail when one of them starts reading per card or per signature again.
 */
let conn: Connection;
let meter: CommandMeter;
let models: Models;
let fake: FakeBotConnector;
const config = loadConfig({ env: { LOG_LEVEL: 'silent' } });
const school = 'northgate';

beforeAll(async () => {
  ({ conn, meter } = await connectMeteredDatabase('agr_reads'));
  models = createModels(conn);
  await ensureIndexes(models);
  fake = await startFakeBotConnector({ seed: 3 });
  for (let i = 0; i < 6; i++) {
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
});
afterAll(async () => {
  await fake?.close();
  await dropTestDatabase(conn);
});

function measured<T>(phase: string, run: () => Promise<T>): Promise<T> {
  meter.phase = phase;
  return run().finally(() => (meter.phase = 'test'));
}

describe('database reads on the agreements hot paths', () => {
  it('records a signature with one read of the chain, and a repeat writes nothing', async () => {
    const { version } = await publishVersion(models, findTemplate(loadPolicyLibrary(), 'staff-aua'), { schoolId: school, by: 'test' });
    const input = { schoolId: school, versionId: version._id, signerId: 's1', channel: 'teams' as const };
    const first = await measured('first', () => recordSignature(models, input, calendar));
    expect(first.created).toBe(true);
    expect(commandCount(meter.phases, 'first', 'find agreement_signatures')).toBe(1);
    expect(commandCount(meter.phases, 'first', 'insert agreement_signatures')).toBe(1);

    const again = await measured('again', () => recordSignature(models, input, calendar));
    expect(again.created).toBe(false);
    expect(again.record).toMatchObject({ seq: first.record.seq, hash: first.record.hash });
    expect(await models.agreementSignatures.countDocuments({ schoolId: school })).toBe(1);
    expect(commandCount(meter.phases, 'again', 'update agreement_chain_heads')).toBe(0);
    expect((await verifyChain(models, school)).ok).toBe(true);
  });

  it('signatures arriving at once share an append: a handful of inserts for 60 signers, each recorded once, the chain intact', async () => {
    const version = await models.agreementVersions.findOne({ schoolId: school, policyId: 'staff-aua' }).lean<AgreementVersion>();
    const inputs = Array.from({ length: 60 }, (_, i) => ({ schoolId: school, versionId: version!._id, signerId: `inset-${i}`, channel: 'teams' as const }));
    // Two presses of the same button among them: recorded once, both answered with the one record.
    const results = await measured('inset', () => Promise.all([...inputs, inputs[7]!].map((input) => recordSignature(models, input, calendar))));
    expect(results.filter((r) => r.created)).toHaveLength(60);
    expect(results[60]!.record.seq).toBe(results[7]!.record.seq);
    expect(await models.agreementSignatures.countDocuments({ schoolId: school, signerId: /^inset-/ })).toBe(60);
    expect((await verifyChain(models, school)).ok).toBe(true);
    // An insert for the first, then one for everyone who arrived while the one before was written: a handful,
    // however the arrivals fall (before: one each, plus the retries of the losers, some 500).
    expect(commandCount(meter.phases, 'inset', 'insert agreement_signatures')).toBeLessThanOrEqual(10);
    expect(commandCount(meter.phases, 'inset', 'update agreement_chain_heads')).toBeLessThanOrEqual(10);
  });

  it('a send-queue run with nothing to send is one read of the open sends, however many cards went before', async () => {
    const version = await models.agreementVersions.findOne({ schoolId: school, policyId: 'staff-aua' }).lean();
    await issueCampaign(models, { schoolId: school, version: version as never, dueAt: new Date(Date.now() + 86_400_000), reminderDays: [3], createdBy: 'test', reason: 'test', key: 'reads' }, new Date());
    const sender = createProactiveSender(createAdapter(config), config);
    const deps: SendQueueDeps = {
      models,
      config,
      logger: createLogger({ level: 'silent' }),
      clock: () => new Date(),
      policyLinks: policyPageLinks(() => undefined),
      limiter: new RateLimiter(),
      workerId: 'w1',
      transport: async (reference, activity) => {
        await sender.send(reference, activity);
      },
    };
    const busy = await measured('busy', () => workSendQueue(deps, { schoolId: school }));
    expect(busy.sent + busy.skipped).toBe(6);
    // Cards were sent: the open sends are read again at the end for anything queued meanwhile; the sent and
    // skipped are no longer open, and the queue's history is never read.
    expect(commandCount(meter.phases, 'busy', 'find agreement_open_sends')).toBe(2);
    expect(commandCount(meter.phases, 'busy', 'find agreement_sends')).toBe(0);
    expect(await models.agreementOpenSends.countDocuments()).toBe(0);
    expect(await models.agreementSends.countDocuments()).toBe(6);

    const idle = await measured('idle', () => workSendQueue(deps, { schoolId: school }));
    expect(idle).toEqual({ sent: 0, unreachable: 0, skipped: 0, retried: 0, failed: 0 });
    // Neither the sends, their outcomes nor the installed chats: the one read of an empty collection.
    expect(meter.phases.get('idle')?.commands).toBe(1);
    expect(commandCount(meter.phases, 'idle', 'find agreement_open_sends')).toBe(1);
  });

  it('a campaign sent while it is being queued reads the installed chats once and gathers its per-card writes', async () => {
    const version = await models.agreementVersions.findOne({ schoolId: school, policyId: 'staff-aua' }).lean<AgreementVersion>();
    const sender = createProactiveSender(createAdapter(config), config);
    const feed = new SendFeed();
    const deliveredBefore = fake.deliveries.length;
    const order: string[] = [];
    const listen = (e: { commandName: string; command: Record<string, unknown> }) => order.push(`${e.commandName} ${String(e.command[e.commandName])}`);
    conn.getClient().on('commandStarted', listen);
    const [run] = await measured('streamed', () =>
      Promise.all([
        // The worker starts on an empty queue: every card reaches it through the feed.
        workSendQueue(
          { models, config, logger: createLogger({ level: 'silent' }), clock: () => new Date(), policyLinks: policyPageLinks(() => undefined), limiter: new RateLimiter(), workerId: 'w-streamed', transport: async (reference, activity) => void (await sender.send(reference, activity)) },
          { campaignId: `${school}:staff-aua:v${version!.number}:streamed` },
          { feed },
        ),
        issueCampaign(models, { schoolId: school, version: version!, dueAt: new Date(Date.now() + 86_400_000), reminderDays: [3], createdBy: 'test', reason: 'test', key: 'streamed' }, new Date(), (items, people) => feed.push(items, people)).finally(() => feed.close()),
      ]),
    );
    conn.getClient().off('commandStarted', listen);
    // s1 signed in the first test.
    expect(run).toMatchObject({ sent: 5, skipped: 1, unreachable: 0 });
    expect(fake.deliveries.length - deliveredBefore).toBe(5);
    // One read by the issue (who is reachable) and one by the worker; before, the worker looked each person up.
    expect(commandCount(meter.phases, 'streamed', 'find conversation_refs')).toBe(2);
    // And read while the issue works out who is reachable, so it is ready when the first cards arrive.
    expect(order.indexOf('find conversation_refs')).toBeLessThan(order.indexOf('insert agreement_open_sends'));
    expect(order.lastIndexOf('find conversation_refs')).toBeLessThan(order.indexOf('insert agreement_open_sends'));
    // Claims gathered (one insert for the six cards, two if the feed's batches straddle one) and the finished sends
    // taken out of the open sends together: before, one command per card for each.
    expect(commandCount(meter.phases, 'streamed', 'insert agreement_send_claims')).toBeLessThanOrEqual(2);
    expect(commandCount(meter.phases, 'streamed', 'delete agreement_open_sends')).toBe(1);
    expect(await models.agreementOpenSends.countDocuments()).toBe(0);
    // The campaign and who has signed are read once for the run, not once by each lane that starts at once.
    expect(commandCount(meter.phases, 'streamed', 'find agreement_signatures')).toBe(1);
    expect(commandCount(meter.phases, 'streamed', 'find agreement_campaigns')).toBe(2);
  });

  it('a campaign expands its sign card once per run: each person\'s copy is the same card, refreshed for them', async () => {
    const version = await models.agreementVersions.findOne({ schoolId: school, policyId: 'staff-aua' }).lean<AgreementVersion>();
    const { campaign } = await issueCampaign(models, { schoolId: school, version: version!, dueAt: new Date(Date.now() + 86_400_000), reminderDays: [3], createdBy: 'test', reason: 'test', key: 'expand-once' }, new Date());
    const sender = createProactiveSender(createAdapter(config), config);
    const expand = vi.spyOn(ACData.Template.prototype, 'expand');
    const deliveredBefore = fake.deliveries.length;
    const run = await workSendQueue(
      { models, config, logger: createLogger({ level: 'silent' }), clock: () => new Date(), policyLinks: policyPageLinks(() => undefined), limiter: new RateLimiter(), workerId: 'w-expand', transport: async (reference, activity) => void (await sender.send(reference, activity)) },
      { campaignId: campaign._id },
    );
    const expansions = expand.mock.calls.length;
    expand.mockRestore();
    expect(run.sent).toBeGreaterThanOrEqual(3);
    expect(expansions).toBe(1);
    const cards = fake.deliveries.slice(deliveredBefore).map((d) => ({ user: d.conversationId.replace('a:conv-', '29:u'), card: (d.activity.attachments as { content: Record<string, unknown> }[])[0]!.content }));
    const same = (card: Record<string, unknown>) => JSON.stringify({ ...card, refresh: { ...(card.refresh as object), userIds: [] } });
    for (const { user, card } of cards) {
      expect((card.refresh as { userIds: string[] }).userIds).toEqual([user]);
      expect(same(card)).toBe(same(cards[0]!.card));
    }
  });
});
