import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCommand } from '../../src/cases/act.js';
import { openCase } from '../../src/cases/open.js';
import { loadCase } from '../../src/cases/store.js';
import { demoFileConfig } from '../../src/config/demo.js';
import { makeActivity, makeMessage, postActivity } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { startConnectorStandIn, type ConnectorStandIn } from './connector-stand-in.js';
import { demoSchool, makeCaseInput, RUTH } from './fixtures.js';

// The DPO is outside the school's directory: Teams names them only by their Entra object id.
const DPO_AAD = '00000000-0000-0000-0000-00000000d901';
const ALEX_AAD = '00000000-0000-0000-0000-0000000000020';
const DPO = { name: 'Priya Shah', email: 'dpo@trust.example', aadObjectId: DPO_AAD, sender: 'lantern@northgate.example' };
const TENANT = '00000000-0000-0000-0000-0000000000001';

let lantern: TestLantern;
let connector: ConnectorStandIn;
const school = demoSchool();

type Who = { id: string; name: string; aadObjectId: string };
const PRIYA: Who = { id: '29:priya', name: 'Priya Shah', aadObjectId: DPO_AAD };
const ALEX: Who = { id: '29:alex', name: 'Alex Wilber', aadObjectId: ALEX_AAD };

/** Types a message in personal chat; the bot's replies as JSON. */
async function say(text: string, from: Who): Promise<string> {
  const res = await postActivity(lantern.url, makeMessage(text, { from }));
  expect(res.status).toBe(200);
  return JSON.stringify(res.body);
}

/** Clicks a card button in personal chat; the card the bot answers with, as JSON. */
async function click(verb: string, data: Record<string, unknown>, from: Who): Promise<string> {
  const res = await postActivity(lantern.url, makeActivity({
    type: 'invoke', name: 'adaptiveCard/action', deliveryMode: undefined, serviceUrl: connector.url, from,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    conversation: { id: `a:personal-${from.id}`, conversationType: 'personal', tenantId: TENANT },
  }));
  expect(res.status).toBe(200);
  return JSON.stringify((res.body as { value: unknown }).value);
}

beforeAll(async () => {
  connector = await startConnectorStandIn();
  const file = demoFileConfig();
  const configFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'lantern-dpo-')), 'lantern.config.json');
  writeFileSync(configFile, JSON.stringify({ ...file, schools: file.schools.map((s) => ({ ...s, dpo: DPO })) }));
  lantern = await startTestLantern({ LANTERN_CONFIG: configFile });
}, 60_000);
afterAll(async () => {
  await lantern?.close();
  await connector?.close();
});

describe('the data protection officer decides on a possible breach from Teams', () => {
  it('sees the breach (never what happened), records the decision once; anyone else off the DSL team is refused', async () => {
    const secret = 'Class list of Kestrels emailed to a parent by mistake';
    const { caseId, number } = await openCase(lantern.models, school, makeCaseInput({ summary: secret, where: 'Staff email' }), new Date());
    await applyCommand(lantern.models, school.id, caseId, RUTH, { kind: 'possible-breach', reason: 'Pupil names and dates of birth went outside the school' }, () => new Date());
    await applyCommand(lantern.models, school.id, caseId, RUTH, { kind: 'note', text: 'Spoke to the parent, who deleted it.' }, () => new Date());

    const cards = await say('breaches', PRIYA);
    expect(cards).toContain(number);
    expect(cards).toContain('breach.decide');
    expect(cards).toContain('Marked by the DSL team');
    // Only what the decision needs: no summary, no place, no reasons or notes from the timeline.
    for (const hidden of [secret, 'Staff email', 'dates of birth', 'deleted it', 'case.view']) expect(cards).not.toContain(hidden);

    // A teacher can neither list breaches nor decide one, and the attempts are logged.
    expect(await say('breaches', ALEX)).toContain('Breach decisions are for the data protection officer');
    expect(await click('breach.decide', { caseId, breachReported: 'not-reported', breachNotReportedReason: 'no risk' }, ALEX)).toContain('Breach decisions are for the data protection officer');
    expect((await loadCase(lantern.models, school.id, caseId))?.state.breachDecision).toBeNull();
    expect(await lantern.models.caseAccessLog.countDocuments({ caseId, kind: 'refused', who: 'a.wilber@northgate.example' })).toBe(1);

    expect(await click('breach.decide', { caseId, breachReported: 'reported', breachIcoRef: 'ICO-00123' }, PRIYA)).toContain('Give the date it was reported');
    const decided = await click('breach.decide', { caseId, breachReported: 'reported', breachIcoRef: 'ICO-00123', breachReportedOn: '2026-05-04' }, PRIYA);
    expect(decided).toContain('Reported to the ICO on 2026-05-04 (reference ICO-00123)');
    expect(decided).not.toContain('breach.decide');
    expect(decided).not.toContain(secret);
    const loaded = await loadCase(lantern.models, school.id, caseId);
    expect(loaded?.state.breachDecision).toMatchObject({ reported: true, icoReference: 'ICO-00123', reportedOn: '2026-05-04', by: { email: 'dpo@trust.example', name: 'Priya Shah' } });
    expect(loaded?.timeline.at(-1)).toMatchObject({ action: 'breach-decided', by: { email: 'dpo@trust.example' } });
    expect(await click('breach.decide', { caseId, breachReported: 'not-reported', breachNotReportedReason: 'changed my mind' }, PRIYA)).toContain('already recorded');
    expect(await say('breaches', PRIYA)).toContain('No possible personal-data breach is waiting for a decision');
  });

  it('a DPO found through the directory by email may decide too, but only where a breach clock runs', async () => {
    // A member of staff off the DSL team whose directory email is the DPO's (no object id needed in the config).
    const dsl = new Set(school.dsl.members.map((m) => m.email));
    const staff = await lantern.models.people.findOne({ schoolId: school.id, role: 'staff', active: true, aadObjectId: { $ne: ALEX_AAD }, email: { $nin: [...dsl] } }).lean();
    if (!staff) throw new Error('the demo directory has no other member of staff');
    const aad = '00000000-0000-0000-0000-00000000d902';
    await lantern.models.people.updateOne({ schoolId: school.id, personId: staff.personId }, { $set: { email: DPO.email, aadObjectId: aad } });
    const asStaffDpo: Who = { id: '29:staff-dpo', name: staff.displayName, aadObjectId: aad };
    const plain = await openCase(lantern.models, school, makeCaseInput(), new Date());
    expect(await click('breach.decide', { caseId: plain.caseId, breachReported: 'not-reported', breachNotReportedReason: 'x' }, asStaffDpo)).not.toContain('Not reported, because');
    expect((await loadCase(lantern.models, school.id, plain.caseId))?.state.breachDecision).toBeNull();
    const { caseId } = await openCase(lantern.models, school, makeCaseInput({ dpoDeadline: new Date(Date.now() + 3_600_000), breachHow: 'detection' }), new Date());
    expect(await say('breaches', asStaffDpo)).toContain('Spotted by Lantern monitoring');
    const decided = await click('breach.decide', { caseId, breachReported: 'not-reported', breachNotReportedReason: 'the file was shared with the trust only' }, asStaffDpo);
    expect(decided).toContain('Not reported, because the file was shared with the trust only');
    expect((await loadCase(lantern.models, school.id, caseId))?.state.breachDecision).toMatchObject({ reported: false, by: { email: DPO.email, name: DPO.name } });
  });
});
