import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NUDE_IMAGES } from '../../src/cases/do-not-view.js';
import { openCase } from '../../src/cases/open.js';
import { verifyCases } from '../../src/cases/verify.js';
import type { TestLantern } from '../support/lantern.js';
import { startDslCardBench, type DslCardBench } from './dsl-card.js';
import { demoSchool, makeCaseInput } from './fixtures.js';

const RUTH_AAD = '00000000-0000-0000-0000-00000000a101';

let bench: DslCardBench;
let lantern: TestLantern;

/** Presses a button on a case card as Ruth (the DSL), through the real bot endpoint; the answer card as JSON. */
const act = async (verb: string, data: Record<string, unknown>): Promise<string> => JSON.stringify(await bench.press(verb, data));

beforeAll(async () => {
  bench = await startDslCardBench(RUTH_AAD);
  lantern = bench.lantern;
}, 60_000);
afterAll(() => bench?.close());

describe('triage on the card: "Nude or semi-nude images" makes a case "do not view"', () => {
  it('raises it to high and removes the links and file names it recorded before, everywhere it is stored', async () => {
    const { caseId } = await openCase(lantern.models, demoSchool(), makeCaseInput({ severity: 'low', category: 'contact', summary: 'Pupil says IMG_4410.jpg of her is at snapchat.com/add/zed77', where: 'https://www.snapchat.com/add/zed77' }), new Date());
    expect(await act('case.view', { caseId })).toContain(`"value":"${NUDE_IMAGES}"`);
    const changed = await act('case.reclassify', { caseId, triageSeverity: 'low', triageCategory: NUDE_IMAGES, triageReason: 'The pupil says it is a photo of her.' });
    expect(changed).toContain('High · Conduct');
    expect(changed).not.toContain(`"value":"${NUDE_IMAGES}"`);
    const stored = JSON.stringify([
      await lantern.models.cases.findOne({ caseId }).lean(),
      await lantern.models.caseTimeline.find({ caseId }).lean(),
      await lantern.models.caseBoard.find({ caseId }).lean(),
    ]);
    for (const leak of ['IMG_4410', 'snapchat.com', 'zed77']) {
      expect(stored).not.toContain(leak);
      expect(changed).not.toContain(leak);
    }
    expect(await lantern.models.cases.findOne({ caseId }).lean()).toMatchObject({ doNotView: true, severity: 'high', category: 'conduct' });
    expect((await verifyCases(lantern.models, 'northgate')).issues).toEqual([]);
  });
});
