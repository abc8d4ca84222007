import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NUDE_IMAGES } from '../../src/cases/do-not-view.js';
import { openCase } from '../../src/cases/open.js';
import { verifyCases } from '../../src/cases/verify.js';
import { makeActivity, postActivity } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { startConnectorStandIn, type ConnectorStandIn } from './connector-stand-in.js';
import { demoSchool, makeCaseInput } from './fixtures.js';

const RUTH_AAD = '00000000-0000-0000-0000-00000000a101';
const CHANNEL_ID = '19:demo-dsl-channel@thread.tacv2';

let lantern: TestLantern;
let connector: ConnectorStandIn;

/** Presses a button on a case card as Ruth (the DSL), through the real bot endpoint; the answer card as JSON. */
async function act(verb: string, data: Record<string, unknown>): Promise<string> {
  const res = await postActivity(lantern.url, makeActivity({
    type: 'invoke', name: 'adaptiveCard/action', deliveryMode: undefined, serviceUrl: connector.url,
    from: { id: '29:ruth', name: 'Ruth Okafor', aadObjectId: RUTH_AAD },
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    conversation: { id: `${CHANNEL_ID};messageid=1`, conversationType: 'channel', tenantId: '00000000-0000-0000-0000-0000000000001' },
  }));
  expect(res.status).toBe(200);
  return JSON.stringify((res.body as { value: unknown }).value);
}

beforeAll(async () => {
  connector = await startConnectorStandIn();
  lantern = await startTestLantern();
  await lantern.models.people.updateOne({ schoolId: 'northgate', email: 'r.okafor@northgate.example' }, { $set: { aadObjectId: RUTH_AAD } });
}, 60_000);
afterAll(async () => {
  await lantern?.close();
  await connector?.close();
});

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
