import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCase } from '../../src/cases/open.js';
import { verifyCases } from '../../src/cases/verify.js';
import { makeMessage, postActivity, repliedCards } from '../support/activities.js';
import type { TestLantern } from '../support/lantern.js';
import { startDslCardBench, type DslCardBench } from './dsl-card.js';
import { demoSchool, makeCaseInput } from './fixtures.js';

const RUTH_AAD = '00000000-0000-0000-0000-00000000a001';
const ALEX_AAD = '00000000-0000-0000-0000-0000000000020';

let bench: DslCardBench;
let lantern: TestLantern;

function text(card: unknown): string {
  return JSON.stringify(card);
}

/** Presses a button on a case card as Ruth (the DSL), through the real bot endpoint. */
const act = (verb: string, data: Record<string, unknown>) => bench.press(verb, data);
/** Alex Wilber (a teacher) sends the concern form. */
const reportConcern = (data: Record<string, unknown>) => bench.press('case.concern.submit', { schoolId: 'northgate', category: 'contact', ...data }, { aadObjectId: ALEX_AAD, name: 'Alex Wilber' }, false);

async function caseOf(what: string) {
  const doc = await lantern.models.cases.findOne({ schoolId: 'northgate', summary: what }).lean();
  if (!doc) throw new Error(`no case for "${what}"`);
  return doc;
}

beforeAll(async () => {
  bench = await startDslCardBench(RUTH_AAD);
  lantern = bench.lantern;
}, 60_000);
afterAll(() => bench?.close());

describe('the concern form: the child\'s own words and "time not known"', () => {
  it('asks for the child\'s words in their own field', async () => {
    const [card] = repliedCards((await postActivity(lantern.url, makeMessage('report a concern'))).body);
    expect(text(card)).toContain('"id":"childWords","label":"In the child\'s words');
  });

  it('keeps a date without a time as that day, "time not known", never 12:00', async () => {
    const what = 'A pupil said an older boy keeps messaging her on a game.';
    await reportConcern({ pupils: 'pupil-001', what, whenDate: '2026-03-10', whenTime: '' });
    const doc = await caseOf(what);
    expect(doc.happenedAt?.toISOString()).toBe('2026-03-10T00:00:00.000Z');
    expect(doc.happenedTimeUnknown).toBe(true);
    const card = text(await act('case.view', { caseId: doc.caseId }));
    expect(card).toContain('"title":"When","value":"Tue, 10 Mar 2026, time not known"');
    expect(card).not.toContain('12:00');
  });

  it('reads a time given as the school\'s clock (British Summer Time in June)', async () => {
    const what = 'A pupil was sent a threatening message after PE.';
    await reportConcern({ pupils: 'pupil-001', what, whenDate: '2026-06-10', whenTime: '09:30' });
    const doc = await caseOf(what);
    expect(doc.happenedAt?.toISOString()).toBe('2026-06-10T08:30:00.000Z');
    expect(doc.happenedTimeUnknown).toBe(false);
    expect(text(await act('case.view', { caseId: doc.caseId }))).toContain('"title":"When","value":"Wed, 10 Jun 2026, 09:30"');
  });

  it('stores the child\'s words apart from the account and shows them verbatim, labelled, on the DSL card', async () => {
    const what = 'A pupil told me at break that someone online asked for photos.';
    const words = 'He said *send one* or <b>I\'ll tell</b> [everyone](https://x.example)';
    await reportConcern({ pupils: 'pupil-001', what, childWords: `  ${words}  ` });
    const doc = await caseOf(what);
    expect(doc.childWords).toBe(words);
    expect(doc.summary).toBe(what);
    const opening = await lantern.models.caseTimeline.findOne({ caseId: doc.caseId, seq: 1 }).lean();
    expect(opening?.after.childWords).toBe(words);
    const card = text(await act('case.view', { caseId: doc.caseId }));
    expect(card).toContain('"text":"In the child\'s words"');
    // Literal: Markdown and markup escaped, so Teams shows exactly what the child said.
    expect(card).toContain(JSON.stringify(String.raw`He said \*send one\* or \<b\>I'll tell\</b\> \[everyone\](https://x.example)`).slice(1, -1));
  });

  it('removes links and file names from the child\'s words on a "do not view" concern', async () => {
    const what = 'A pupil says a photo of her is going round.';
    await reportConcern({ pupils: 'pupil-001', what, category: 'nude-images', childWords: 'They put IMG_2231.jpg on snapchat.com/add/kid99' });
    const doc = await caseOf(what);
    expect(doc.childWords).toBe('They put [file name removed: do not view] on [link removed: do not view]');
    const card = text(await act('case.view', { caseId: doc.caseId }));
    expect(card).not.toContain('IMG_2231');
    expect(card).not.toContain('kid99');
  });
});

describe('the DSL card: actions taken, referrals and the outcome', () => {
  it('records an action taken with who was informed and when, as its own timeline entry', async () => {
    const { caseId } = await openCase(lantern.models, demoSchool(), makeCaseInput(), new Date());
    const card = text(await act('case.view', { caseId }));
    expect(card).toContain('"verb":"case.action"');
    expect(card).toContain('"id":"actionInformed"');
    expect(text(await act('case.action', { caseId, actionWhat: ' ', actionInformed: 'Class teacher' }))).toContain('Please write what was done.');
    expect(text(await act('case.action', { caseId, actionWhat: 'Phoned home', actionDate: '2999-01-01' }))).toContain('in the future');
    const done = text(await act('case.action', { caseId, actionWhat: 'Spoke to the pupil with her mother present.', actionInformed: 'parent — mother; class teacher', actionDate: '2026-03-11', actionTime: '' }));
    expect(done).toContain('"title":"Actions taken","value":"Spoke to the pupil with her mother present. — informed: parent — mother; class teacher (Wed, 11 Mar 2026, time not known, Ruth Okafor)"');
    expect(done).toContain('recorded an action taken');
    const entry = await lantern.models.caseTimeline.findOne({ caseId, action: 'action' }).lean();
    expect(entry?.after.actionsTaken).toEqual([expect.objectContaining({ what: 'Spoke to the pupil with her mother present.', informed: 'parent — mother; class teacher', at: '2026-03-11T00:00:00.000Z', timeUnknown: true, by: { email: 'r.okafor@northgate.example', name: 'Ruth Okafor' } })]);
    expect(await lantern.models.caseTimeline.countDocuments({ caseId, action: 'action' })).toBe(1);
  });

  it('records a referral to early help or CAMHS with its reference and the day it was made', async () => {
    const { caseId } = await openCase(lantern.models, demoSchool(), makeCaseInput(), new Date());
    expect(text(await act('case.view', { caseId }))).toContain('"title":"CAMHS","value":"camhs"');
    const card = text(await act('case.escalate', { caseId, agency: 'early-help', reference: 'EH-2026-77', referralDate: '2026-03-09' }));
    expect(card).toContain('Early help, reference EH-2026-77 (made Mon, 9 Mar 2026)');
    expect((await lantern.models.cases.findOne({ caseId }).lean())?.referrals).toEqual([expect.objectContaining({ agency: 'early-help', reference: 'EH-2026-77', madeOn: '2026-03-09' })]);
  });

  it('closes only with an outcome category, shown with the DSL\'s words', async () => {
    const { caseId } = await openCase(lantern.models, demoSchool(), makeCaseInput(), new Date());
    const card = text(await act('case.view', { caseId }));
    expect(card).toContain('"id":"outcomeCategory","label":"Outcome"');
    expect(card).toContain('"title":"Referral to children\'s social care","value":"social-care"');
    expect(text(await act('case.close', { caseId, outcome: 'Done.' }))).toContain('Choose the outcome.');
    expect(text(await act('case.close', { caseId, outcomeCategory: 'other', outcome: ' ' }))).toContain('Please write what the outcome was.');
    expect(await lantern.models.caseTimeline.countDocuments({ caseId, action: 'closed' })).toBe(0);
    const closed = text(await act('case.close', { caseId, outcomeCategory: 'early-help', outcome: 'Family agreed to an early help assessment.' }));
    expect(closed).toContain('Outcome: Early help — Family agreed to an early help assessment.');
    const entry = await lantern.models.caseTimeline.findOne({ caseId, action: 'closed' }).lean();
    expect(entry?.after).toMatchObject({ status: 'closed', outcomeCategory: 'early-help', outcome: 'Family agreed to an early help assessment.' });
    // Reopening clears the outcome and its category.
    await act('case.reopen', { caseId, reopenReason: 'A new message.' });
    expect(await lantern.models.cases.findOne({ caseId }).lean()).toMatchObject({ outcome: null, outcomeCategory: null });
    expect((await verifyCases(lantern.models, 'northgate')).issues).toEqual([]);
  });

  it('redacts an action\'s text on a "do not view" case', async () => {
    const { caseId } = await openCase(lantern.models, demoSchool(), makeCaseInput({ doNotView: true, severity: 'high' }), new Date());
    const card = text(await act('case.action', { caseId, actionWhat: 'Told IT to preserve IMG_0042.heic', actionInformed: 'Police via https://report.example/x' }));
    expect(card).not.toContain('IMG_0042');
    expect(card).not.toContain('report.example');
    const stored = JSON.stringify(await lantern.models.caseTimeline.findOne({ caseId, action: 'action' }).lean());
    expect(stored).not.toContain('IMG_0042');
    expect(stored).not.toContain('report.example');
  });
});
