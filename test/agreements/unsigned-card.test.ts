import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeActivity, makeMessage, postActivity, repliedCards } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { issueCampaign } from '../../src/agreements/campaigns.js';
import { recordSignature } from '../../src/agreements/evidence.js';
import type { AgreementVersion } from '../../src/agreements/version-model.js';
import { calendarOf } from '../../src/agreements/academic-year.js';

/** The demo schools' calendar: 1 September, Europe/London. */
const LONDON = calendarOf({ timezone: 'Europe/London' });

let lantern: TestLantern;
const ALEX = '00000000-0000-0000-0000-0000000000020';
const text = (card: unknown) => JSON.stringify(card);

beforeAll(async () => {
  lantern = await startTestLantern();
  // The demo runs the staff AUA campaign; add the Key Stage 2 pupil agreement for Kestrels (Year 3).
  const version = await lantern.models.agreementVersions.findById('northgate:pupil-aua-ks2:v1').lean<AgreementVersion>();
  await issueCampaign(lantern.models, { schoolId: 'northgate', version: version as AgreementVersion, audience: { forms: ['Kestrels'], roles: ['pupil'] }, dueAt: new Date(Date.now() + 86_400_000), reminderDays: [], createdBy: 'test', reason: 'test', key: 'kestrels' }, new Date());
  await recordSignature(lantern.models, { schoolId: 'northgate', versionId: 'northgate:staff-aua:v1', signerId: 'staff-001', channel: 'teams' }, LONDON);
}, 60_000);
afterAll(async () => {
  await lantern?.close();
});

describe('"unsigned accounts" in Teams', () => {
  it('is refused to staff who are neither IT nor on the DSL team', async () => {
    const [card] = repliedCards((await postActivity(lantern.url, makeMessage('unsigned accounts'))).body);
    expect(text(card)).toContain('The list of unsigned accounts is for IT and the DSL team.');
    expect(text(card)).not.toContain('Helen');
  });

  it('shows IT the adults by name and pupils counted by class, never pupils\' names', async () => {
    await lantern.models.people.updateOne({ schoolId: 'northgate', aadObjectId: ALEX }, { $set: { adminRoles: ['Helpdesk Administrator'] } });
    const [card] = repliedCards((await postActivity(lantern.url, makeMessage('unsigned accounts'))).body);
    const json = text(card);
    expect(json).toContain('14 adult(s) and 10 pupil(s) have not signed what they must.');
    expect(json).toContain('Sam Whitfield (staff) — Staff acceptable use agreement by');
    expect(json).not.toContain('Helen Carter');
    expect(json).toContain('Kestrels (Year 3): 10 not signed');
    const pupilNames = (await lantern.models.people.find({ schoolId: 'northgate', form: 'Kestrels' }).lean()).map((p) => p.displayName);
    for (const name of pupilNames) expect(json).not.toContain(name);
    expect(json).toContain('No access group is kept in step with this list');
    expect(json).not.toContain('${');
  });

  it('refreshes from its button', async () => {
    await recordSignature(lantern.models, { schoolId: 'northgate', versionId: 'northgate:staff-aua:v1', signerId: 'staff-004', channel: 'teams' }, LONDON);
    const res = await postActivity(
      lantern.url,
      makeActivity({ type: 'invoke', name: 'adaptiveCard/action', deliveryMode: undefined, from: { id: '29:alex', name: 'Alex Wilber', aadObjectId: ALEX }, value: { action: { type: 'Action.Execute', verb: 'agreement.unsigned', data: {} }, trigger: 'manual' } }),
    );
    const json = text((res.body as { value: unknown }).value);
    expect(json).toContain('13 adult(s) and 10 pupil(s)');
    expect(json).not.toContain('Sam Whitfield');
  });
});
