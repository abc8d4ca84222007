import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCase } from '../../src/cases/open.js';
import { loadCase } from '../../src/cases/store.js';
import type { TestLantern } from '../support/lantern.js';
import { startDslCardBench, type DslCardBench } from './dsl-card.js';
import { demoSchool, makeCaseInput } from './fixtures.js';

const RUTH_AAD = '00000000-0000-0000-0000-00000000b001';
const ALEX_AAD = '00000000-0000-0000-0000-0000000000020';

let bench: DslCardBench;
let lantern: TestLantern;

/** Presses a button on a case card as Ruth (the DSL) or Alex (a teacher); the answer card as JSON. */
async function act(verb: string, data: Record<string, unknown>, who: 'ruth' | 'alex' = 'ruth'): Promise<string> {
  return JSON.stringify(await bench.press(verb, data, who === 'ruth' ? bench.ruth : { aadObjectId: ALEX_AAD, name: 'Alex Wilber' }));
}

beforeAll(async () => {
  bench = await startDslCardBench(RUTH_AAD);
  lantern = bench.lantern;
}, 60_000);
afterAll(() => bench?.close());

describe('the DSL case card: possible personal-data breach', () => {
  it('offers the action, starts the clock with who and why, then takes the decision once', async () => {
    const school = demoSchool();
    const { caseId } = await openCase(lantern.models, school, makeCaseInput(), new Date());
    const before = await act('case.view', { caseId });
    expect(before).toContain('case.breach');
    expect(before).not.toContain('case.breach-decision');
    expect(await act('case.breach', { caseId, breachReason: 'Class list sent to a personal address' }, 'alex')).toContain('for the DSL team only');
    expect(await act('case.breach', { caseId, breachReason: '  ' })).toContain('Please write why this may be a personal-data breach');
    const flagged = await act('case.breach', { caseId, breachReason: 'Class list sent to a personal address' });
    expect(flagged).toContain('the data protection officer must decide');
    expect(flagged).toContain('case.breach-decision');
    expect(flagged).not.toContain('"verb":"case.breach"');
    const loaded = await loadCase(lantern.models, school.id, caseId);
    expect(loaded?.timeline.at(-1)).toMatchObject({ action: 'breach-flagged', by: { email: 'r.okafor@northgate.example' }, note: 'Class list sent to a personal address' });
    expect(await act('case.breach-decision', { caseId })).toContain('Choose whether it was reported to the ICO.');
    expect(await act('case.breach-decision', { caseId, breachReported: 'reported', breachIcoRef: 'ICO-77' })).toContain('Give the date it was reported');
    const decided = await act('case.breach-decision', { caseId, breachReported: 'not-reported', breachNotReportedReason: 'it went to the pupil’s own parent and was deleted' });
    expect(decided).toContain('Personal-data breach: Not reported, because it went to the pupil’s own parent and was deleted.');
    expect(decided).not.toContain('case.breach-decision');
    expect((await loadCase(lantern.models, school.id, caseId))?.state.breachDecision).toMatchObject({ reported: false, by: { email: 'r.okafor@northgate.example' } });
  });
});
