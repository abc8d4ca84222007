import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeActivity, makeInstall, makeMessage, postActivity, repliedCards } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';

let lantern: TestLantern;
type Who = { aadObjectId: string; name: string };
const ALEX: Who = { aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' };
// Helen Carter (headteacher) owns the staff, governor, volunteer and visitor agreements; Ruth Okafor is the DSL.
const HELEN: Who = { aadObjectId: '00000000-0000-0000-0000-00000000h001', name: 'Helen Carter' };
const RUTH: Who = { aadObjectId: '00000000-0000-0000-0000-00000000r002', name: 'Ruth Okafor' };
const DAY = 86_400_000;
const future = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
const text = (card: unknown) => JSON.stringify(card);

async function say(words: string, from: Who): Promise<Record<string, unknown>> {
  const res = await postActivity(lantern.url, makeMessage(words, { from: { id: `29:${from.name}`, name: from.name, aadObjectId: from.aadObjectId } }));
  const [card] = repliedCards(res.body);
  expect(card).toBeDefined();
  return card as Record<string, unknown>;
}

async function act(verb: string, data: Record<string, unknown>, from: Who): Promise<Record<string, unknown>> {
  const res = await postActivity(
    lantern.url,
    makeActivity({
      type: 'invoke',
      name: 'adaptiveCard/action',
      deliveryMode: undefined,
      from: { id: `29:${from.name}`, name: from.name, aadObjectId: from.aadObjectId },
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    }),
  );
  expect(res.status).toBe(200);
  return (res.body as { value: Record<string, unknown> }).value;
}

/** The policy choices and the form id of a campaign form card. */
function formOf(card: Record<string, unknown>): { choices: string[]; formId: string } {
  const body = card.body as { id?: string; choices?: { value: string }[] }[];
  const choices = body.find((b) => b.id === 'versionId')?.choices?.map((c) => c.value) ?? [];
  const formId = ((card.actions as { data: { formId: string } }[])[0]?.data.formId ?? '') as string;
  return { choices, formId };
}

beforeAll(async () => {
  lantern = await startTestLantern();
  await lantern.models.people.updateOne({ schoolId: 'northgate', email: 'h.carter@northgate.example' }, { $set: { aadObjectId: HELEN.aadObjectId } });
  await lantern.models.people.updateOne({ schoolId: 'northgate', email: 'r.okafor@northgate.example' }, { $set: { aadObjectId: RUTH.aadObjectId } });
  // Alex has Lantern installed (reachable); Helen and Ruth do not.
  await postActivity(lantern.url, makeInstall());
}, 60_000);
afterAll(async () => {
  await lantern?.close();
});

describe('"issue agreement": the policy owner\'s campaign card', () => {
  it('politely refuses someone who is neither on the DSL team nor a policy owner', async () => {
    const card = await say('issue agreement', ALEX);
    expect(text(card)).toContain('Starting an agreement campaign is for the DSL team and the owners of a policy');
    expect(text(card)).not.toContain('Input.ChoiceSet');
  });

  it('offers a policy owner only the current versions of the policies they own', async () => {
    const { choices, formId } = formOf(await say('issue agreement', HELEN));
    expect(choices.sort()).toEqual(['northgate:governor-aua:v1', 'northgate:staff-aua:v1', 'northgate:visitor-aua:v1', 'northgate:volunteer-aua:v1']);
    expect(formId).toMatch(/^[0-9a-f-]{36}$/);
    const dsl = formOf(await say('issue agreement', RUTH));
    expect(dsl.choices).toEqual(expect.arrayContaining(['northgate:staff-aua:v1', 'northgate:class-rules-eyfs-ks1:v1', 'northgate:pupil-aua-ks2:v1']));
    expect(dsl.choices).not.toContain('northgate:staff-training-self-audit:v1');
  });

  it('shows the form again with the problem for bad input, and creates nothing', async () => {
    const { formId } = formOf(await say('issue agreement', HELEN));
    const good = { formId, versionId: 'northgate:staff-aua:v1', roles: 'staff', due: future(14), reminders: '3,7', escalate: 'r.okafor@northgate.example' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, versionId: 'northgate:no-such-policy:v1' }, 'Choose a policy from the list'],
      [{ ...good, versionId: 'northgate:class-rules-eyfs-ks1:v1' }, 'Choose a policy from the list'],
      [{ ...good, roles: '' }, 'Choose who should sign'],
      [{ ...good, roles: 'staff', yearGroups: '3' }, 'Nobody in the directory matches'],
      [{ ...good, due: '2020-01-01' }, 'The due date is in the past'],
      [{ ...good, due: 'soon' }, 'Choose the date it is due'],
      [{ ...good, reminders: '3,-1' }, 'Reminders are whole numbers'],
      [{ ...good, escalate: 'nobody@elsewhere.example' }, 'nobody@elsewhere.example is not a member of staff in the school directory'],
      [{ ...good, people: 'ghost@northgate.example' }, 'Not in the school directory: ghost@northgate.example'],
    ];
    for (const [data, message] of cases) {
      for (const verb of ['agreement.campaign-preview', 'agreement.campaign-start']) {
        const card = await act(verb, data, HELEN);
        expect(text(card), `${verb} ${message}`).toContain(message);
        expect(text(card)).toContain('Issue an agreement');
      }
    }
    // The values typed are kept on the card shown again.
    expect(text(await act('agreement.campaign-preview', { ...good, due: '2020-01-01' }, HELEN))).toContain('"value":"3,7"');
    expect(await lantern.models.agreementCampaigns.countDocuments({ key: /^card-/ })).toBe(0);
    expect(text(await act('agreement.campaign-start', { ...good, formId: 'not-a-uuid' }, HELEN))).toContain('This card is incomplete');
    expect(text(await act('agreement.campaign-start', good, ALEX))).toContain('for the DSL team and the owners of a policy');
  });

  it('"Preview" shows who would receive what, names staff and splits reachable from not reachable, sending nothing', async () => {
    const { formId } = formOf(await say('issue agreement', HELEN));
    const before = await lantern.models.agreementSends.countDocuments();
    const card = await act('agreement.campaign-preview', { formId, versionId: 'northgate:staff-aua:v1', roles: 'staff', due: future(10), reminders: '3,7', escalate: 'r.okafor@northgate.example' }, HELEN);
    const t = text(card);
    expect(t).toContain('Preview: Staff acceptable use agreement (version 1)');
    expect(t).toContain('staff: 15, each gets a card in Teams');
    expect(t).toContain('**A card in Teams (1):** Alex Wilber');
    expect(t).toContain('Not reachable — Lantern not installed for them (14):** ');
    expect(t).toContain('Helen Carter');
    expect(t).toContain('Ruth Okafor');
    expect(await lantern.models.agreementSends.countDocuments()).toBe(before);
    expect(await lantern.models.agreementCampaigns.countDocuments({ key: `card-${formId}` })).toBe(0);
    // "Change" brings the form back with the same values.
    const back = await act('agreement.campaign-edit', { formId, versionId: 'northgate:staff-aua:v1', roles: 'staff', due: future(10), reminders: '3,7', escalate: 'r.okafor@northgate.example' }, HELEN);
    expect(formOf(back).formId).toBe(formId);
    expect(text(back)).toContain('"value":"staff"');

    // Pupils are counted by year group and never named.
    const dsl = formOf(await say('issue agreement', RUTH));
    const pupils = text(await act('agreement.campaign-preview', { formId: dsl.formId, versionId: 'northgate:class-rules-eyfs-ks1:v1', forms: 'Robins', due: future(10) }, RUTH));
    expect(pupils).toContain('Year 1 pupils: 10, signed for by their teacher in class');
    const pupilNames = (await lantern.models.people.find({ schoolId: 'northgate', form: 'Robins' }).lean()).map((p) => p.displayName);
    for (const name of pupilNames) expect(pupils).not.toContain(name);
  });

  it('"Start" starts the campaign exactly once, also when pressed twice at the same moment', async () => {
    const { formId } = formOf(await say('issue agreement', HELEN));
    const data = { formId, versionId: 'northgate:governor-aua:v1', roles: 'governor', people: 'A.Wilber@northgate.example', due: future(21), reminders: '7', escalate: 'r.okafor@northgate.example' };
    const [a, b] = await Promise.all([act('agreement.campaign-start', data, HELEN), act('agreement.campaign-start', data, HELEN)]);
    const third = await act('agreement.campaign-start', data, HELEN);
    for (const card of [a, b, third]) expect(text(card)).toMatch(/Campaign started|had already been started/);
    expect(text(third)).toContain('This campaign had already been started');
    const campaigns = await lantern.models.agreementCampaigns.find({ key: `card-${formId}` }).lean();
    expect(campaigns).toHaveLength(1);
    expect(campaigns[0]).toMatchObject({ versionId: 'northgate:governor-aua:v1', reminderDays: [7], escalateTo: 'r.okafor@northgate.example', createdBy: 'h.carter@northgate.example', status: 'open' });
    expect(campaigns[0]?.audience).toEqual({ roles: ['governor'], personIds: ['staff-005'] });
    // Every governor, and Alex by name: one card each, queued once, and one send job.
    const governors = await lantern.models.people.countDocuments({ schoolId: 'northgate', role: 'governor', active: true });
    expect(governors).toBeGreaterThan(0);
    expect(await lantern.models.agreementSends.countDocuments({ campaignId: campaigns[0]?._id })).toBe(governors + 1);
    expect(await lantern.models.jobs.countDocuments({ name: 'agreements.send', key: `${campaigns[0]?._id}:issue` })).toBe(1);
  });
});
