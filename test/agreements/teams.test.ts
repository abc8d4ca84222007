import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeActivity, makeInstall, makeMessage, postActivity, repliedCards } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { startFakeBotConnector, type FakeBotConnector } from '../../src/bench/fake-bot-connector.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { verifyChain } from '../../src/agreements/verify.js';
import { createKioskLink, newKioskFormId, signAtKiosk } from '../../src/agreements/kiosk-links.js';
import { calendarOf } from '../../src/agreements/academic-year.js';

let lantern: TestLantern;
let connector: FakeBotConnector;
const ALEX = { aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' };
const HELEN_AAD = '00000000-0000-0000-0000-00000000h001';
const V1 = 'northgate:staff-aua:v1';
const CAMPAIGN = 'northgate:staff-aua:v1:demo-staff-aua';

const text = (card: unknown) => JSON.stringify(card);

async function act(verb: string, data: Record<string, unknown>, from: { aadObjectId: string; name: string } = ALEX): Promise<Record<string, unknown>> {
  const res = await postActivity(
    lantern.url,
    makeActivity({
      type: 'invoke',
      name: 'adaptiveCard/action',
      deliveryMode: undefined,
      serviceUrl: connector.url,
      from: { id: `29:${from.name}`, name: from.name, aadObjectId: from.aadObjectId },
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    }),
  );
  expect(res.status).toBe(200);
  return (res.body as { value: Record<string, unknown> }).value;
}

beforeAll(async () => {
  connector = await startFakeBotConnector();
  lantern = await startTestLantern();
  // Helen Carter, the headteacher, owns the staff AUA and has Lantern in Teams (her chat is the fake connector).
  await lantern.models.people.updateOne({ schoolId: 'northgate', email: 'h.carter@northgate.example' }, { $set: { aadObjectId: HELEN_AAD } });
  await postActivity(lantern.url, makeInstall({ serviceUrl: connector.url, from: { id: '29:helen', name: 'Helen Carter', aadObjectId: HELEN_AAD }, conversation: { id: 'a:helen-chat', conversationType: 'personal', tenantId: '00000000-0000-0000-0000-0000000000001' } }));
}, 60_000);
afterAll(async () => {
  await lantern?.close();
  await connector?.close();
});

describe('staff sign-off in Teams', () => {
  it('shows the demo staff AUA card as soon as the chat opens, with no command typed', async () => {
    const res = await postActivity(lantern.url, makeInstall());
    const [card] = repliedCards(res.body);
    expect(card).toMatchObject({ version: '1.5', refresh: { action: { verb: 'agreement.view' }, userIds: ['29:user-1'] } });
    expect(text(card)).toContain('Staff acceptable use agreement');
    expect(text(card)).toContain('"fallback":{"type":"Action.Submit"');
    expect(await lantern.models.agreementSendResults.findById(`${CAMPAIGN}:staff-005:0`).lean()).toMatchObject({ status: 'sent' });
  });

  it('"I have a question" takes text, delivers it to the policy owner and records it', async () => {
    const ask = await act('agreement.ask', { versionId: V1, campaignId: CAMPAIGN });
    expect(text(ask)).toContain('Helen Carter');
    const empty = await act('agreement.question', { versionId: V1, campaignId: CAMPAIGN, question: '   ' });
    expect(text(empty)).toContain('Input.Text');
    const sent = await act('agreement.question', { versionId: V1, campaignId: CAMPAIGN, question: 'May I use my own laptop for marking at home?' });
    expect(text(sent)).toContain('Helen Carter will get your question');
    await expect.poll(() => connector.deliveries.filter((d) => d.conversationId === 'a:helen-chat').length, { timeout: 10_000 }).toBe(1);
    expect(text(connector.deliveries[0]?.activity)).toContain('May I use my own laptop');
    // Marked delivered just after the connector answers: wait for the mark rather than race it.
    await expect.poll(async () => (await lantern.models.agreementQuestions.findOne({ personId: 'staff-005' }).lean())?.delivered, { timeout: 10_000 }).toBe(true);
    expect(await lantern.models.agreementQuestions.findOne({ personId: 'staff-005' }).lean()).toMatchObject({ delivered: true, ownerEmail: 'h.carter@northgate.example' });
  });

  it('"I agree" records one signature however often it is pressed, and shows the signed state', async () => {
    const first = await act('agreement.sign', { versionId: V1, campaignId: CAMPAIGN });
    const second = await act('agreement.sign', { versionId: V1, campaignId: CAMPAIGN });
    expect(text(first)).toContain('Signed — thank you, Alex');
    expect(text(second)).toContain('Signed — thank you, Alex');
    expect(await lantern.models.agreementSignatures.countDocuments({ signerId: 'staff-005' })).toBe(1);
    const record = await lantern.models.agreementSignatures.findOne({ signerId: 'staff-005' }).lean();
    expect(record).toMatchObject({ channel: 'teams', onBehalfOfId: null, campaignId: CAMPAIGN, client: expect.objectContaining({ tenantId: '00000000-0000-0000-0000-0000000000001' }) });
    const refreshed = await act('agreement.view', { versionId: V1 });
    expect(text(refreshed)).toContain('Signed');
  });

  it('a card for an older version asks the user to sign the current one', async () => {
    const template = findTemplate(loadPolicyLibrary(), 'staff-aua');
    await publishVersion(lantern.models, { ...template, body: `${template.body}\n\nI will report phishing emails to the IT manager.` }, { schoolId: 'northgate', by: 'test', change: 'material', reason: 'Phishing reporting added' });
    const stale = await act('agreement.sign', { versionId: V1 }, { aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' });
    expect(text(stale)).toContain('replaced by version 2');
    expect(text(stale)).toContain('northgate:staff-aua:v2');
  });

  it('answers bad input with a clear card, never a crash', async () => {
    expect(text(await act('agreement.nonsense', {}))).toContain('This card is out of date');
    expect(text(await act('agreement.sign', {}))).toContain('This card is incomplete');
    expect(text(await act('agreement.sign', { versionId: 'othersch:staff-aua:v1' }))).toContain('This card is incomplete');
    expect(text(await act('agreement.sign', { versionId: 42 }))).toContain('This card is incomplete');
    const stranger = await act('agreement.sign', { versionId: V1 }, { aadObjectId: '99999999-0000-0000-0000-000000000000', name: 'Stranger' });
    expect(text(stranger)).not.toContain('Signed');
    const malformed = await postActivity(lantern.url, makeActivity({ type: 'invoke', name: 'adaptiveCard/action', deliveryMode: undefined, value: 'not an object' }));
    expect(malformed.status).toBe(200);
    expect((await verifyChain(lantern.models, 'northgate')).ok).toBe(true);
  });
});

describe('teacher proxy signing', () => {
  it('"class agreement" lists the teacher\'s pupils and records signatures on their behalf, in class', async () => {
    const res = await postActivity(lantern.url, makeMessage('class agreement'));
    const [card] = repliedCards(res.body);
    expect(text(card)).toContain('Our class rules');
    expect(text(card)).toContain('Robins');
    const toggles = text(card).match(/pupil_pupil-\d+/g) ?? [];
    expect(toggles.length).toBe(10);
    const ticked = Object.fromEntries(toggles.slice(0, 3).map((id) => [id, 'true']));
    const done = await act('agreement.class-sign', { versionId: 'northgate:class-rules-eyfs-ks1:v1', form: 'Robins', ...ticked, [toggles[3] as string]: 'false' });
    expect(text(done)).toContain('Recorded 3 new agreement(s)');
    const proxies = await lantern.models.agreementSignatures.find({ channel: 'teams-proxy' }).lean();
    expect(proxies).toHaveLength(3);
    expect(proxies.every((p) => p.signerId === 'staff-005' && p.onBehalfOfId?.startsWith('pupil-'))).toBe(true);
    // Submitting the same ticks again records nothing new.
    expect(text(await act('agreement.class-sign', { versionId: 'northgate:class-rules-eyfs-ks1:v1', form: 'Robins', ...ticked }))).toContain('Recorded 0 new');
  });

  it('refuses to record for a form the teacher does not teach', async () => {
    const refused = await act('agreement.class-sign', { versionId: 'northgate:class-rules-eyfs-ks1:v1', form: 'Hedgehogs', 'pupil_pupil-001': 'true' });
    expect(text(refused)).toContain('nothing was recorded');
  });
});

describe('self-audit and the compliance card', () => {
  it('takes the self-audit answers on a card and stores them for the DSL', async () => {
    const res = await postActivity(lantern.url, makeMessage('self audit'));
    const [card] = repliedCards(res.body);
    const ids = text(card).match(/"id":"q\d+"/g) ?? [];
    expect(ids.length).toBe(8);
    const partial = await act('agreement.audit', { versionId: 'northgate:staff-training-self-audit:v1', q0: 'yes' });
    expect(text(partial)).toContain('answer every question');
    const answers = Object.fromEntries(ids.map((_, i) => [`q${i}`, i === 3 ? 'unsure' : 'yes']));
    const done = await act('agreement.audit', { versionId: 'northgate:staff-training-self-audit:v1', ...answers, comment: 'Sextortion' });
    expect(text(done)).toContain('designated safeguarding lead');
    const stored = await lantern.models.agreementAuditAnswers.findOne({ personId: 'staff-005' }).lean();
    expect(stored?.answers).toHaveLength(9);
  });

  it('shows the compliance card to the DSL team and policy owners only', async () => {
    const denied = repliedCards((await postActivity(lantern.url, makeMessage('agreements status'))).body)[0];
    expect(text(denied)).toContain('for the DSL team and policy owners');
    const helen = repliedCards(
      (await postActivity(lantern.url, makeMessage('agreements status', { from: { id: '29:helen', name: 'Helen Carter', aadObjectId: HELEN_AAD } }))).body,
    )[0];
    expect(text(helen)).toMatch(/Staff acceptable use agreement\*\* \(v1\) — staff: 1 of 15 signed/);
  });

  it('counts visitors who signed at the kiosk on the compliance card, without naming them', async () => {
    const helenAsks = async () => text(repliedCards((await postActivity(lantern.url, makeMessage('agreements status', { from: { id: '29:helen', name: 'Helen Carter', aadObjectId: HELEN_AAD } }))).body)[0]);
    expect(await helenAsks()).not.toContain('Visitors and others');
    const { token, version } = await createKioskLink(lantern.models, { schoolId: 'northgate', policyId: 'visitor-aua', createdBy: 'Office' }, new Date());
    for (const name of ['Pat *Visitor*', 'Sam Second']) {
      const r = await signAtKiosk(lantern.models, { token, shownVersionId: version._id, formId: newKioskFormId(), name, organisation: 'Fixit Ltd', client: { ip: '127.0.0.1', userAgent: 'test' } }, calendarOf({ timezone: 'Europe/London' }), () => new Date());
      expect(r.ok).toBe(true);
    }
    const card = await helenAsks();
    expect(card).toContain('Visitors and others without a school account (signed the current version)');
    expect(card).toContain('Visitor acceptable use agreement (version 1): 2 by reception kiosk');
    expect(card).not.toContain('Visitor*');
    expect(card).not.toContain('Sam Second');
  });
});
