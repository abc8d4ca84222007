import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushPendingCards } from '../../src/teams/cases/channel.js';
import { teamsEdgeFor } from '../support/teams.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { makeActivity, makeMessage, postActivity, repliedCards } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { startConnectorStandIn, type ConnectorStandIn } from './connector-stand-in.js';

const RUTH_AAD = '00000000-0000-0000-0000-00000000a001';
const MARK_AAD = '00000000-0000-0000-0000-00000000a002';
const CHANNEL_ID = '19:demo-dsl-channel@thread.tacv2';

let lantern: TestLantern;
let connector: ConnectorStandIn;

function text(card: unknown): string {
  return JSON.stringify(card);
}

function invoke(verb: string, data: Record<string, unknown>, from: { aadObjectId: string; name: string }, conversation?: Record<string, unknown>) {
  return makeActivity({
    type: 'invoke',
    name: 'adaptiveCard/action',
    deliveryMode: undefined,
    serviceUrl: connector.url,
    from: { id: `29:${from.name}`, name: from.name, aadObjectId: from.aadObjectId },
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    ...(conversation ? { conversation } : {}),
  });
}

async function act(verb: string, data: Record<string, unknown>, who: 'ruth' | 'mark' | 'alex' = 'ruth') {
  const from = who === 'ruth' ? { aadObjectId: RUTH_AAD, name: 'Ruth Okafor' } : who === 'mark' ? { aadObjectId: MARK_AAD, name: 'Mark Hughes' } : { aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' };
  const channel = { id: `${CHANNEL_ID};messageid=1`, conversationType: 'channel', tenantId: '00000000-0000-0000-0000-0000000000001' };
  const res = await postActivity(lantern.url, invoke(verb, data, from, channel));
  expect(res.status).toBe(200);
  return (res.body as { value: Record<string, unknown> }).value;
}

async function reportConcern(data: Record<string, unknown>) {
  const res = await postActivity(lantern.url, invoke('case.concern.submit', { schoolId: 'northgate', ...data }, { aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' }));
  expect(res.status).toBe(200);
  return (res.body as { value: Record<string, unknown> }).value;
}

beforeAll(async () => {
  connector = await startConnectorStandIn();
  lantern = await startTestLantern();
  await lantern.models.people.updateOne({ schoolId: 'northgate', email: 'r.okafor@northgate.example' }, { $set: { aadObjectId: RUTH_AAD } });
  await lantern.models.people.updateOne({ schoolId: 'northgate', email: 'm.hughes@northgate.example' }, { $set: { aadObjectId: MARK_AAD } });
}, 60_000);

afterAll(async () => {
  await lantern?.close();
  await connector?.close();
});

describe('staff concerns and the DSL channel card', () => {
  let caseId = '';

  it('sends the concern form with the school\'s pupils to choose from', async () => {
    const res = await postActivity(lantern.url, makeMessage('report a concern'));
    const [card] = repliedCards(res.body);
    expect(text(card)).toContain('Report a concern');
    expect(text(card)).toContain('Kestrels');
    expect(text(card)).toContain('"style":"filtered"');
    expect(text(card)).not.toContain('Severity (DSL team only)');
  });

  it('queues the card and tells the reporter when the DSL channel is not reachable yet', async () => {
    const ack = await reportConcern({ pupils: 'pupil-001', what: 'A pupil was shown a frightening video on a phone at lunch.', category: 'content', where: 'Playground', whenDate: '2026-03-10' });
    expect(text(ack)).toContain('DSL channel not reachable — install Lantern in the DSL team');
    expect(text(ack)).not.toMatch(/NGP-\d{4}/);
    expect(await lantern.models.cases.countDocuments({ channelPending: true })).toBe(1);
  });

  it('posts queued cards once Lantern is installed in the DSL team', async () => {
    const install = makeActivity({
      type: 'conversationUpdate',
      serviceUrl: connector.url,
      from: { id: '29:ruth', name: 'Ruth Okafor', aadObjectId: RUTH_AAD },
      conversation: { id: '19:general-of-dsl-team@thread.tacv2', conversationType: 'channel', tenantId: '00000000-0000-0000-0000-0000000000001' },
      membersAdded: [{ id: '28:lantern-bot' }],
      deliveryMode: undefined,
    });
    expect((await postActivity(lantern.url, install)).status).toBeLessThan(300);
    const config = loadConfig({ env: {}, cwd: '/tmp' });
    const result = await flushPendingCards({ stores: lantern.models, config, sender: teamsEdgeFor(config, lantern.models).sender, log: createLogger({ level: 'silent' }), clock: () => new Date() });
    expect(result).toEqual({ posted: 1, stillQueued: 0 });
    const post = connector.calls.find((c) => c.method === 'POST');
    expect(post?.path).toBe(`/v3/conversations/${CHANNEL_ID}/activities`);
    expect(text(connector.cards('POST')[0])).toContain('frightening video');
  });

  it('posts a new concern straight to the channel in plain English, without the reporter seeing the case', async () => {
    const before = connector.cards('POST').length;
    const ack = await reportConcern({ pupils: 'pupil-002,pupil-003', what: 'Two pupils said an adult in a game asked them for photos.', category: 'contact', where: 'Online game' });
    expect(text(ack)).toContain('Thank you');
    expect(text(ack)).not.toMatch(/NGP-\d{4}/);
    const card = connector.cards('POST')[before];
    expect(text(card)).toMatch(/NGP-\d{4}-0002/);
    expect(text(card)).toContain('Contact — harmful contact with others');
    expect(text(card)).toContain('New — not yet acknowledged');
    expect(text(card)).toContain('"verb":"case.acknowledge"');
    expect(text(card)).not.toContain('Do not open or view');
    caseId = ((await lantern.models.cases.findOne({ summary: /asked them for photos/ }).lean())?.caseId as string) ?? '';
    expect(caseId).not.toBe('');
  });

  it('refuses a non-DSL user politely and logs the attempt', async () => {
    const card = await act('case.acknowledge', { caseId }, 'alex');
    expect(text(card)).toContain('This case is for the DSL team only');
    expect(await lantern.models.caseAccessLog.countDocuments({ caseId, kind: 'refused', who: 'a.wilber@northgate.example' })).toBe(1);
    expect((await lantern.models.cases.findOne({ caseId }).lean())?.status).toBe('new');
  });

  it('lets the DSL acknowledge; the card is replaced for everyone and returned to her', async () => {
    const puts = connector.cards('PUT').length;
    const card = await act('case.acknowledge', { caseId });
    expect(text(card)).toContain('Acknowledged');
    expect(text(card)).toContain('Ruth Okafor');
    // Everyone else's copy is replaced just after the answer to the click.
    await expect.poll(() => connector.cards('PUT').length, { timeout: 15_000 }).toBeGreaterThan(puts);
    const updated = connector.cards('PUT')[puts];
    expect(text(updated)).toContain('Acknowledged');
    const put = connector.calls.filter((c) => c.method === 'PUT').at(-1);
    expect(put?.path).toMatch(/\/v3\/conversations\/.+\/activities\/msg-\d+$/);
    // A double click is told, not recorded twice.
    const again = await act('case.acknowledge', { caseId }, 'mark');
    expect(text(again)).toContain('Ruth Okafor has already acknowledged this case.');
    expect(await lantern.models.caseTimeline.countDocuments({ caseId, action: 'acknowledged' })).toBe(1);
    expect(await lantern.models.caseAccessLog.countDocuments({ caseId, kind: 'act' })).toBe(2);
  });

  it('carries out the other verbs', async () => {
    expect(text(await act('case.assign', { caseId, assignTo: 'm.hughes@northgate.example' }))).toContain('Mark Hughes');
    expect(text(await act('case.assign', { caseId, assignTo: 'a.wilber@northgate.example' }))).toContain('Choose a member of the DSL team.');
    expect(text(await act('case.note', { caseId, noteText: '<script>alert(1)</script> spoke to parents' }))).toContain(JSON.stringify(String.raw`\<script\>alert(1)\</script\> spoke to parents`).slice(1, -1));
    expect(text(await act('case.note', { caseId, noteText: 'x'.repeat(5000) }))).toContain('please keep it under 4000');
    expect(text(await act('case.escalate', { caseId, agency: 'ceop', reference: 'CEOP-123' }))).toContain('CEOP, reference CEOP-123');
    expect(text(await act('case.link', { caseId, otherNumber: 'NGP-2099-0001' }))).toContain('There is no case NGP-2099-0001');
    expect(text(await act('case.close', { caseId, outcome: 'Referred to CEOP; parents informed.' }))).toContain('Choose the outcome.');
    expect(text(await act('case.close', { caseId, outcomeCategory: 'police', outcome: 'Referred to CEOP; parents informed.' }))).toContain('Outcome: Referral to police — Referred to CEOP; parents informed.');
    expect(text(await act('case.reopen', { caseId, reopenReason: 'Second report.' }))).toContain('Being looked into');
    expect(text(await act('case.false-positive', { caseId, reason: 'It was a game trailer.', suppress: 'true' }))).toContain('False positive');
    const view = await act('case.view', { caseId });
    expect(text(view)).toContain('marked it a false positive');
    expect(await lantern.models.caseAccessLog.countDocuments({ caseId, kind: 'view' })).toBe(1);
    const fp = await lantern.models.caseTimeline.findOne({ caseId, action: 'false-positive' }).lean();
    expect(fp?.after).toMatchObject({ falsePositive: { reason: 'It was a game trailer.', suppressionRequested: true } });
  });

  it('refuses forged verbs, forged ids and another school\'s case, losing nothing', async () => {
    const count = await lantern.models.caseTimeline.countDocuments({ caseId });
    expect(text(await act('case.delete-everything', { caseId }))).toContain('This card is out of date');
    expect(text(await act('case.acknowledge', { caseId: 'not-a-case' }))).toContain('This card is out of date');
    expect(text(await act('case.acknowledge', { caseId: randomUUID() }))).toContain('This card is out of date');
    await lantern.models.cases.updateOne({ caseId }, { $set: { schoolId: 'elsewhere' } });
    expect(text(await act('case.note', { caseId, noteText: 'hi' }))).toContain('This card is out of date');
    await lantern.models.cases.updateOne({ caseId }, { $set: { schoolId: 'northgate' } });
    expect(await lantern.models.caseTimeline.countDocuments({ caseId })).toBe(count);
  });

  it('lets exactly one of two DSLs acknowledging at once win, and tells the other', async () => {
    await reportConcern({ pupils: 'pupil-004', what: 'A pupil is being teased in a class group chat.', category: 'conduct' });
    const id = ((await lantern.models.cases.findOne({ summary: /teased/ }).lean())?.caseId as string) ?? '';
    const [r, m] = await Promise.all([act('case.acknowledge', { caseId: id }, 'ruth'), act('case.acknowledge', { caseId: id }, 'mark')]);
    const told = [r, m].filter((c) => text(c).includes('has already acknowledged this case'));
    expect(told).toHaveLength(1);
    expect(await lantern.models.caseTimeline.countDocuments({ caseId: id, action: 'acknowledged' })).toBe(1);
  });
});

describe('user and directory text on cards', () => {
  const captured = () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
    return { lines, log };
  };
  const flush = (log = createLogger({ level: 'silent' })) => {
    const config = loadConfig({ env: {}, cwd: '/tmp' });
    return flushPendingCards({ stores: lantern.models, config, sender: teamsEdgeFor(config, lantern.models).sender, log, clock: () => new Date() });
  };

  it('posts a concern holding template syntax and a Markdown link to the DSL channel, shown literally', async () => {
    const before = connector.cards('POST').length;
    const ack = await reportConcern({ what: 'He wrote ${$root.caseId} and [click here](https://evil.test) in the chat.', category: 'contact' });
    expect(text(ack)).toContain('received your report');
    const card = text(connector.cards('POST')[before]);
    expect(card).toContain(JSON.stringify(String.raw`He wrote \$\{\$root.caseId\} and \[click here\](https://evil.test) in the chat.`).slice(1, -1));
    expect(card).not.toMatch(/[^\\]\]\(https:\/\/evil/);
  });

  it('keeps "report a concern" working when a pupil\'s directory name holds template syntax', async () => {
    await lantern.models.people.updateOne({ schoolId: 'northgate', personId: 'pupil-005' }, { $set: { displayName: 'Sam ${$root.schoolId} [x](https://evil.test)' } });
    const res = await postActivity(lantern.url, makeMessage('report a concern'));
    const [form] = repliedCards(res.body);
    expect(text(form)).toContain('Report a concern');
    // A choice title is plain text, not Markdown: the name is shown exactly as the directory has it.
    expect(text(form)).toContain('Sam ${$root.schoolId} [x](https://evil.test)');
    const before = connector.cards('POST').length;
    await reportConcern({ pupils: 'pupil-005', what: 'A pupil changed their display name to something odd.', category: 'conduct' });
    expect(text(connector.cards('POST')[before])).toContain(JSON.stringify(String.raw`Sam \$\{\$root.schoolId\} \[x\](https://evil.test)`).slice(1, -1));
  });

  it('queues a card that fails to post, logs it by case id only, and delivers it on the next flush with the others', async () => {
    connector.refuse('');
    for (const what of ['First queued concern about a chat.', 'Second ${ queued concern with ${$root.x}.', 'Third queued concern about a game.']) {
      expect(text(await reportConcern({ what, category: 'contact' }))).toContain('will receive your report');
    }
    expect(await lantern.models.cases.countDocuments({ channelPending: true })).toBe(3);
    // Teams still refuses the first case's card; the two queued behind it go through.
    connector.refuse('First queued concern');
    const { lines, log } = captured();
    expect(await flush(log)).toEqual({ posted: 2, stillQueued: 1 });
    const left = await lantern.models.cases.find({ channelPending: true }).lean<{ caseId: string; summary: string }[]>();
    expect(left.map((c) => c.summary)).toEqual(['First queued concern about a chat.']);
    expect(lines).toEqual([expect.objectContaining({ caseId: left[0]?.caseId, reason: 'post_failed' })]);
    expect(JSON.stringify(lines)).not.toMatch(/queued concern|chat|game/);
    connector.refuse(undefined);
    expect(await flush()).toEqual({ posted: 1, stillQueued: 0 });
    expect(await lantern.models.cases.countDocuments({ channelPending: true })).toBe(0);
  });
});
