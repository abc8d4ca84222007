import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCase } from '../../src/cases/open.js';
import { loadConfig } from '../../src/config/load.js';
import { makeActivity, postActivity } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { startConnectorStandIn, type ConnectorStandIn } from './connector-stand-in.js';
import { makeCaseInput } from './fixtures.js';

const MARK_AAD = '00000000-0000-0000-0000-00000000c002';
const ALEX_AAD = '00000000-0000-0000-0000-0000000000020';
let lantern: TestLantern;
let connector: ConnectorStandIn;

async function acknowledge(caseId: string, from: { aadObjectId: string; name: string }): Promise<string> {
  const res = await postActivity(lantern.url, makeActivity({
    type: 'invoke',
    name: 'adaptiveCard/action',
    deliveryMode: undefined,
    serviceUrl: connector.url,
    from: { id: `29:${from.name}`, name: from.name, aadObjectId: from.aadObjectId },
    value: { action: { type: 'Action.Execute', verb: 'case.escalation.acknowledge', data: { caseId } }, trigger: 'manual' },
  }));
  expect(res.status).toBe(200);
  return JSON.stringify((res.body as { value: unknown }).value);
}

beforeAll(async () => {
  connector = await startConnectorStandIn();
  lantern = await startTestLantern();
  await lantern.models.people.updateOne({ schoolId: 'northgate', email: 'm.hughes@northgate.example' }, { $set: { aadObjectId: MARK_AAD } });
}, 60_000);

afterAll(async () => {
  await lantern?.close();
  await connector?.close();
});

describe('Acknowledge on the escalation card', () => {
  it('acknowledges the case for the person on the ladder, without showing them the case, and refuses anyone else', async () => {
    const school = loadConfig({ env: {}, cwd: '/tmp' }).schools[0]!;
    const c = await openCase(lantern.models, school, makeCaseInput({ severity: 'high', summary: 'A pupil was sent threatening messages.' }), new Date());
    const refused = await acknowledge(c.caseId, { aadObjectId: ALEX_AAD, name: 'Alex Wilber' });
    expect(refused).toContain('This case is for the DSL team only');
    expect((await lantern.models.cases.findOne({ caseId: c.caseId }).lean())?.status).toBe('new');
    const done = await acknowledge(c.caseId, { aadObjectId: MARK_AAD, name: 'Mark Hughes' });
    expect(done).toContain(`You acknowledged case ${c.number}`);
    expect(done).not.toContain('threatening');
    const doc = await lantern.models.cases.findOne({ caseId: c.caseId }).lean();
    expect(doc).toMatchObject({ status: 'acknowledged', assignee: { email: 'm.hughes@northgate.example' } });
    expect(await acknowledge(c.caseId, { aadObjectId: MARK_AAD, name: 'Mark Hughes' })).toContain('was already acknowledged');
  });
});
