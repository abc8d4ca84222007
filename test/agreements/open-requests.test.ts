import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarOf } from '../../src/agreements/academic-year.js';
import { issueCampaign, sendId } from '../../src/agreements/campaigns.js';
import { doneSubjects } from '../../src/agreements/compliance.js';
import { recordSignature } from '../../src/agreements/evidence.js';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { pupilRequestId } from '../../src/agreements/open-requests.js';
import { queueCampaignFollowUps } from '../../src/agreements/reminders.js';
import type { AgreementVersion } from '../../src/agreements/version-model.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { commandCount } from './sim/meter.js';
import { createSimWorld, DSL_EMAIL, SCHOOL_ID, type SimWorld } from './sim/world.js';

/*
 * The follow-up tick runs every five minutes all year. FerretDB reads a whole collection on each query, so a pass
 * that read every signature and every card sent would cost more each week; it reads the open requests instead,
 * which the signing path keeps true.
 */
const DAY = 86_400_000;
const t0 = new Date('2026-09-01T08:00:00Z');
let world: SimWorld;
const library = loadPolicyLibrary();
const versions = new Map<string, AgreementVersion>();
const calendar = () => calendarOf(world.school);

function tick(phase: string, at: Date) {
  world.meter.phase = phase;
  return queueCampaignFollowUps(world.models, SCHOOL_ID, at, calendar()).finally(() => (world.meter.phase = 'test'));
}
const issue = (policyId: string, key: string) =>
  issueCampaign(world.models, { schoolId: SCHOOL_ID, version: versions.get(policyId) as AgreementVersion, dueAt: new Date(t0.getTime() + 14 * DAY), reminderDays: [3, 7], escalateTo: DSL_EMAIL, createdBy: 'test', reason: 'test', key }, t0);
const sign = (policyId: string, signerId: string, extra: { onBehalfOfId?: string; outcome?: string; after?: { seq: number } } = {}) =>
  recordSignature(world.models, { schoolId: SCHOOL_ID, versionId: (versions.get(policyId) as AgreementVersion)._id, signerId, channel: 'teams', ...extra }, calendar(), () => new Date(t0.getTime() + DAY));

beforeAll(async () => {
  world = await createSimWorld({ staff: 6, governors: 2, volunteers: 2, pupilsPerForm: 2 }, t0);
  for (const id of ['staff-aua', 'class-rules-eyfs-ks1']) versions.set(id, (await publishVersion(world.models, findTemplate(library, id), { schoolId: SCHOOL_ID, by: 'test', clock: () => t0 })).version);
}, 120_000);
afterAll(async () => {
  await world?.close();
});

describe('the open requests the follow-up tick reads', () => {
  it('an idle tick reads campaigns, people, versions and open requests — never the signatures or sent cards, however many are stored', async () => {
    const { campaign } = await issue('staff-aua', 'idle');
    await issue('class-rules-eyfs-ks1', 'idle');
    // The first pass takes on everyone the campaigns were issued to (reading the cards queued and the signatures once).
    await tick('first', t0);
    expect(commandCount(world.meter.phases, 'first', 'find agreement_signatures')).toBeGreaterThan(0);
    for (const id of ['s001', 's002', 's003']) await sign('staff-aua', id);
    const before = await world.models.agreementSignatures.countDocuments();

    const idle = await tick('idle', new Date(t0.getTime() + DAY));
    expect(idle).toEqual({ joiners: 0, reminders: 0, escalations: 0, classPrompts: 0 });
    const phase = world.meter.phases.get('idle');
    expect(commandCount(world.meter.phases, 'idle', 'find agreement_signatures')).toBe(0);
    expect(commandCount(world.meter.phases, 'idle', 'find agreement_sends')).toBe(0);
    expect([...(phase?.by.keys() ?? [])].sort()).toEqual(['find agreement_campaigns', 'find agreement_open_requests', 'find agreement_versions', 'find people']);
    expect(phase?.commands).toBe(4);

    // The signing path kept the rows true: the three who signed are done, the rest are still to sign.
    const rows = await world.models.agreementOpenRequests.find({ campaignId: campaign._id, kind: 'signer' }).lean();
    expect(rows.filter((r) => r.done).map((r) => r.subject).sort()).toEqual(['s001', 's002', 's003']);
    expect(await world.models.agreementSignatures.countDocuments()).toBe(before);
  });

  it('reminds only those whose latest record does not complete; an unticked pupil keeps the form with the teacher', async () => {
    await world.models.agreementCampaigns.updateMany({}, { $set: { status: 'closed' } });
    const staff = versions.get('staff-aua') as AgreementVersion;
    const first = await sign('staff-aua', 's004');
    // s004 withdraws (a newer record): still to sign. s005 asked a question: not done either.
    await sign('staff-aua', 's004', { outcome: 'withdrawn', after: { seq: first.record.seq } });
    await sign('staff-aua', 's005', { outcome: 'question' });
    const { campaign } = await issue('staff-aua', 'reminders');
    const { campaign: classRules } = await issue('class-rules-eyfs-ks1', 'reminders');
    await tick('adopt', t0);

    // Class rules: one teacher records every pupil of their form; another does too, then unticks one by mistake.
    const [whole, unticked] = await world.models.agreementOpenRequests.find({ campaignId: classRules._id, kind: 'prompt' }).sort({ _id: 1 }).lean();
    const pupilsOf = async (form: string | null | undefined) => (await world.models.people.find({ schoolId: SCHOOL_ID, role: 'pupil', form, active: true }).lean()).map((p) => p.personId);
    for (const pupil of await pupilsOf(whole?.form)) await sign('class-rules-eyfs-ks1', whole?.teacherId as string, { onBehalfOfId: pupil });
    const mistaken = (await pupilsOf(unticked?.form))[0] as string;
    const recorded = await sign('class-rules-eyfs-ks1', unticked?.teacherId as string, { onBehalfOfId: mistaken });
    const rowOf = async (pupil: string) => (await world.models.agreementOpenRequests.findById(pupilRequestId(classRules._id, pupil)).lean())?.done;
    expect(await rowOf(mistaken)).toBe(true);
    await sign('class-rules-eyfs-ks1', unticked?.teacherId as string, { onBehalfOfId: mistaken, outcome: 'withdrawn', after: { seq: recorded.record.seq } });
    expect(await rowOf(mistaken)).toBe(false);

    const day3 = new Date(t0.getTime() + 3 * DAY + 60_000);
    const summary = await tick('day 3', day3);
    const reminded = (await world.models.agreementSends.find({ campaignId: campaign._id, round: 1 }).lean()).map((s) => s.personId).sort();
    const done = doneSubjects(staff, [staff._id], await world.models.agreementSignatures.find({ schoolId: SCHOOL_ID }).lean(), day3, calendar());
    const audience = (await world.models.agreementSends.find({ campaignId: campaign._id, round: 0 }).lean()).map((s) => s.personId);
    expect(reminded).toEqual(audience.filter((id) => !done.has(id)).sort());
    expect(reminded).toEqual(expect.arrayContaining(['s004', 's005']));
    expect(summary.reminders).toBe(reminded.length);
    const prompted = (await world.models.agreementSends.find({ campaignId: classRules._id, round: 1 }).lean()).map((s) => s.form);
    expect(prompted).toContain(unticked?.form);
    expect(prompted).not.toContain(whole?.form);
    // Once reminded, the next pass the same day sends nothing again.
    expect(await tick('day 3 again', day3)).toMatchObject({ reminders: 0, classPrompts: 0 });
  });

  it('two passes at once and a signature meanwhile queue each card once and leave every row as the signatures say', async () => {
    await world.models.agreementCampaigns.updateMany({}, { $set: { status: 'closed' } });
    const { campaign } = await issue('staff-aua', 'twice');
    const at = new Date(t0.getTime() + 8 * DAY);
    await Promise.all([tick('a', at), tick('b', at), sign('staff-aua', 's006')]);
    const sends = await world.models.agreementSends.find({ campaignId: campaign._id }).lean();
    expect(new Set(sends.map((s) => s._id)).size).toBe(sends.length);
    const staff = versions.get('staff-aua') as AgreementVersion;
    const done = doneSubjects(staff, [staff._id], await world.models.agreementSignatures.find({ schoolId: SCHOOL_ID }).lean(), at, calendar());
    const rows = await world.models.agreementOpenRequests.find({ campaignId: campaign._id, kind: 'signer' }).lean();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect({ subject: row.subject, done: row.done }).toEqual({ subject: row.subject, done: done.has(row.subject as string) });
    expect(await world.models.agreementOpenRequests.countDocuments({ campaignId: campaign._id, seq: -1 })).toBe(0);
    // The closed campaigns' rows are gone.
    expect(await world.models.agreementOpenRequests.countDocuments({ campaignId: { $ne: campaign._id } })).toBe(0);
    expect(sendId(campaign._id, 's006', 0)).toBe(rows.find((r) => r.subject === 's006')?._id);
  });
});
