import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEscalation } from '../../src/cases/escalation.js';
import { openCase } from '../../src/cases/open.js';
import { createLogger } from '../../src/log/logger.js';
import { teamsEdgeFor } from '../support/teams.js';
import { loadConfig } from '../../src/config/load.js';
import { makeActivity, postActivity } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { startConnectorStandIn, type ConnectorStandIn } from './connector-stand-in.js';
import { makeCaseInput } from './fixtures.js';

const MARK_AAD = '00000000-0000-0000-0000-00000000c002';
const HELEN_AAD = '00000000-0000-0000-0000-00000000c001';
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
  await lantern.models.people.updateOne({ schoolId: 'northgate', email: 'h.carter@northgate.example' }, { $set: { aadObjectId: HELEN_AAD } });
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

  it('lets the head stop the ladder as "seen by" without taking the case; the DSL team still acknowledges it', async () => {
    const config = loadConfig({ env: {}, cwd: '/tmp' });
    const school = config.schools[0]!;
    const c = await openCase(lantern.models, school, makeCaseInput({ severity: 'critical' }), new Date());
    const seen = await acknowledge(c.caseId, { aadObjectId: HELEN_AAD, name: 'Helen Carter' });
    expect(seen).toContain(`You marked case ${c.number} as seen`);
    const doc = await lantern.models.cases.findOne({ caseId: c.caseId }).lean();
    expect(doc).toMatchObject({ status: 'new', assignee: null, seenBy: [{ email: 'h.carter@northgate.example', name: 'Helen Carter' }] });
    const entry = await lantern.models.caseTimeline.findOne({ caseId: c.caseId, action: 'escalation-seen' }).lean();
    expect(entry?.note).toBe('Seen by Helen Carter (head teacher) on the escalation card; the escalation stops and the case waits for the DSL team.');
    const deps = { config, stores: lantern.models, notifier: teamsEdgeFor(config, lantern.models).caseNotifier, logger: createLogger({ level: 'silent' }), clock: () => new Date() };
    expect(await runEscalation({ schoolId: school.id, caseId: c.caseId, rung: 1 }, deps)).toEqual({ skipped: 'seen on the escalation card' });
    expect(await acknowledge(c.caseId, { aadObjectId: HELEN_AAD, name: 'Helen Carter' })).toContain('was already seen by Helen Carter');
    expect(await acknowledge(c.caseId, { aadObjectId: MARK_AAD, name: 'Mark Hughes' })).toContain(`You acknowledged case ${c.number}`);
    expect(await lantern.models.cases.findOne({ caseId: c.caseId }).lean()).toMatchObject({ status: 'acknowledged', assignee: { email: 'm.hughes@northgate.example' } });
  });
});
