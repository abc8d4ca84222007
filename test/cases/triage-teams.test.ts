import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCase } from '../../src/cases/open.js';
import { verifyCases } from '../../src/cases/verify.js';
import type { Person } from '../../src/directory/person.js';
import type { TestLantern } from '../support/lantern.js';
import { startDslCardBench, type DslCardBench } from './dsl-card.js';
import { demoSchool, makeCaseInput } from './fixtures.js';

const RUTH_AAD = '00000000-0000-0000-0000-00000000a001';

let bench: DslCardBench;
let lantern: TestLantern;

function text(card: unknown): string {
  return JSON.stringify(card);
}

/** Presses a button on a case card as Ruth (the DSL), through the real bot endpoint. */
const act = (verb: string, data: Record<string, unknown>) => bench.press(verb, data);

async function pupil(personId: string): Promise<Person> {
  const p = await lantern.models.people.findOne({ schoolId: 'northgate', personId }).lean<Person>();
  if (!p) throw new Error(`no ${personId} in the demo directory`);
  return p;
}

beforeAll(async () => {
  bench = await startDslCardBench(RUTH_AAD);
  lantern = bench.lantern;
}, 60_000);
afterAll(() => bench?.close());

describe('triage on the DSL channel card', () => {
  it('changes severity and category with a reason, as a timeline entry, and refuses a change without one', async () => {
    const { caseId } = await openCase(lantern.models, demoSchool(), makeCaseInput({ severity: 'medium', category: 'contact' }), new Date());
    const card = await act('case.view', { caseId });
    expect(text(card)).toContain('"verb":"case.reclassify"');
    expect(text(card)).toContain('"id":"triageSeverity","label":"Severity","value":"medium"');

    expect(text(await act('case.reclassify', { caseId, triageSeverity: 'high', triageCategory: 'conduct', triageReason: ' ' }))).toContain('Please write why you are changing it.');
    expect(text(await act('case.reclassify', { caseId, triageSeverity: 'medium', triageCategory: 'contact', triageReason: 'No change' }))).toContain('already as you chose');
    expect(text(await act('case.reclassify', { caseId, triageSeverity: 'extreme', triageCategory: 'contact', triageReason: 'x' }))).toContain('Choose a severity and a category.');

    const changed = await act('case.reclassify', { caseId, triageSeverity: 'high', triageCategory: 'conduct', triageReason: 'The pupil shared their own photos, not a stranger contacting them.' });
    expect(text(changed)).toContain('NGP-2026');
    expect(text(changed)).toContain('High · Conduct');
    expect(text(changed)).toContain('changed the severity or category');
    const entry = await lantern.models.caseTimeline.findOne({ caseId, action: 'reclassified' }).lean();
    expect(entry).toMatchObject({ before: { severity: 'medium', category: 'contact' }, after: { severity: 'high', category: 'conduct' }, note: 'The pupil shared their own photos, not a stranger contacting them.', by: { email: 'r.okafor@northgate.example' } });
    expect(await lantern.models.cases.findOne({ caseId }).lean()).toMatchObject({ severity: 'high', category: 'conduct' });
    expect(await lantern.models.caseTimeline.countDocuments({ caseId })).toBe(2);
    expect((await verifyCases(lantern.models, 'northgate')).issues).toEqual([]);
  });

  it('keeps a "do not view" case at high or above', async () => {
    const { caseId } = await openCase(lantern.models, demoSchool(), makeCaseInput({ severity: 'high', doNotView: true }), new Date());
    expect(text(await act('case.reclassify', { caseId, triageSeverity: 'low', triageCategory: 'contact', triageReason: 'Seems minor' }))).toContain('stays at high or critical');
    expect(await lantern.models.caseTimeline.countDocuments({ caseId, action: 'reclassified' })).toBe(0);
  });

  it('changes the pupils and others involved by name, and says which name it cannot find', async () => {
    const [ava, other] = [await pupil('pupil-001'), await pupil('pupil-004')];
    const { caseId } = await openCase(lantern.models, demoSchool(), makeCaseInput({ subjects: ['pupil-001'] }), new Date());
    const card = await act('case.view', { caseId });
    expect(text(card)).toContain(`"id":"peoplePupils","label":"Pupils (as in the directory, separated by ;)","value":"${ava.displayName} (${ava.form})"`);

    expect(text(await act('case.people', { caseId, peoplePupils: `${ava.displayName}; Nobody Atall`, peopleOthers: '', peopleReason: 'x' }))).toContain('There is no pupil called \\"Nobody Atall\\"');
    const changed = await act('case.people', { caseId, peoplePupils: `${ava.displayName.toUpperCase()}; ${other.displayName} (${other.form})`, peopleOthers: 'A lunchtime supervisor', peopleReason: 'A second pupil and a supervisor were there.' });
    expect(text(changed)).toContain('changed who is involved');
    expect(text(changed)).toContain(other.displayName);
    expect(text(changed)).toContain('A lunchtime supervisor');
    const entry = await lantern.models.caseTimeline.findOne({ caseId, action: 'people-changed' }).lean();
    expect(entry).toMatchObject({ before: { subjects: ['pupil-001'], involved: null }, after: { subjects: ['pupil-001', 'pupil-004'], involved: 'A lunchtime supervisor' }, note: 'A second pupil and a supervisor were there.' });
    expect((await lantern.models.cases.findOne({ caseId }).lean())?.subjects).toEqual(['pupil-001', 'pupil-004']);
  });

  it('links two cases both ways, each on its own timeline', async () => {
    const a = await openCase(lantern.models, demoSchool(), makeCaseInput(), new Date());
    const b = await openCase(lantern.models, demoSchool(), makeCaseInput(), new Date());
    const card = await act('case.link', { caseId: a.caseId, otherNumber: b.number });
    expect(text(card)).toContain(b.number);
    expect((await lantern.models.cases.findOne({ caseId: a.caseId }).lean())?.linkedCases).toEqual([b.number]);
    expect((await lantern.models.cases.findOne({ caseId: b.caseId }).lean())?.linkedCases).toEqual([a.number]);
    expect(text(await act('case.view', { caseId: b.caseId }))).toContain(a.number);
    // Linking from the other side now says it is already linked, and records nothing more.
    expect(text(await act('case.link', { caseId: b.caseId, otherNumber: a.number }))).toContain(`already linked to ${a.number}`);
    expect(await lantern.models.caseTimeline.countDocuments({ caseId: { $in: [a.caseId, b.caseId] }, action: 'linked' })).toBe(2);
    expect((await verifyCases(lantern.models, 'northgate')).issues).toEqual([]);
  });
});
