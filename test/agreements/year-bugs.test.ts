import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { calendarOf } from '../../src/agreements/academic-year.js';
import { issueCampaign } from '../../src/agreements/campaigns.js';
import { complianceFigures, signedPersonIds } from '../../src/agreements/compliance.js';
import { recordSignature } from '../../src/agreements/evidence.js';
import { loadPolicyLibrary } from '../../src/agreements/library.js';
import { rollOverYearlyAgreements } from '../../src/agreements/rollover.js';
import { startCampaign } from '../../src/agreements/start-campaign.js';
import { verifyChain } from '../../src/agreements/verify.js';
import type { AgreementVersion } from '../../src/agreements/version-model.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { readAgreements } from '../../src/digest/sources/agreements.js';
import type { SourceContext } from '../../src/digest/sources/context.js';
import { classRows, readDelivery, type ReceivedCard } from './sim/cards.js';
import { createSimWorld, DSL_EMAIL, SCHOOL_ID, type SimWorld } from './sim/world.js';

const DAY = 86_400_000;
const library = loadPolicyLibrary();
let world: SimWorld;
const t0 = new Date('2026-09-01T08:00:00Z');
const versions = new Map<string, AgreementVersion>();

async function publishAll(at: Date): Promise<void> {
  world.clock.set(at);
  for (const template of library) versions.set(template.id, (await publishVersion(world.models, template, { schoolId: SCHOOL_ID, by: 'test', clock: world.clock.now })).version);
}
const request = (policyId: string, at: Date, extra: Record<string, unknown> = {}) => ({
  schoolId: SCHOOL_ID,
  version: versions.get(policyId) as AgreementVersion,
  dueAt: new Date(at.getTime() + 14 * DAY),
  reminderDays: [3, 7, 14],
  escalateTo: DSL_EMAIL,
  createdBy: 'test',
  reason: 'test',
  ...extra,
});
/** Runs the jobs at `at` and returns the cards delivered meanwhile. */
async function jobsAt(at: Date): Promise<ReceivedCard[]> {
  world.clock.set(at);
  const before = world.connector.deliveries.length;
  await world.runJobs();
  return world.connector.deliveries.slice(before).map((d) => readDelivery(d, world.personOfConversation(d.conversationId) ?? '?', at));
}
const text = (card: unknown) => JSON.stringify(card);

beforeAll(async () => {
  world = await createSimWorld({ staff: 9, governors: 3, volunteers: 3, pupilsPerForm: 3 }, new Date('2026-08-31T20:00:00Z'));
  for (const p of world.directory.people.values()) if (p.aadObjectId && p.personId !== 's009') await world.install(p.personId);
  await publishAll(new Date('2026-08-31T21:00:00Z'));
}, 120_000);
afterAll(async () => {
  await world?.close();
});
beforeEach(async () => {
  // Each case starts with nothing open and nothing waiting to be sent.
  await world.models.agreementCampaigns.updateMany({}, { $set: { status: 'closed' } });
});

describe('the agreement bugs a school year exposed', () => {
  it('two policies issued on the same day are two campaigns, each queuing its own audience', async () => {
    const classRules = await issueCampaign(world.models, request('class-rules-eyfs-ks1', t0), t0);
    const volunteers = await issueCampaign(world.models, request('volunteer-aua', t0), t0);
    expect(volunteers.created).toBe(true);
    expect(volunteers.campaign._id).not.toBe(classRules.campaign._id);
    expect(volunteers.campaign.policyId).toBe('volunteer-aua');
    const sends = await world.models.agreementSends.find({ campaignId: volunteers.campaign._id, round: 0 }).lean();
    expect(sends.map((s) => s.personId).sort()).toEqual(['v001', 'v002', 'v003']);
  });

  it('the roll-over re-issues every yearly policy for its own audience and closes only its own campaigns', async () => {
    const june = new Date('2027-06-01T08:00:00Z');
    for (const id of ['staff-aua', 'governor-aua', 'volunteer-aua', 'class-rules-eyfs-ks1', 'pupil-aua-ks2']) await issueCampaign(world.models, request(id, june, { key: 'summer' }), june);
    const { reissued } = await rollOverYearlyAgreements(world.models, SCHOOL_ID, new Date('2027-09-01T05:05:00Z'), calendarOf(world.school));
    expect(reissued).toHaveLength(5);
    const fresh = await world.models.agreementCampaigns.find({ _id: { $in: reissued } }).lean();
    for (const c of fresh) expect(c.policyId).toBe(versions.get(c.policyId)?.policyId);
    expect(fresh.map((c) => c.policyId).sort()).toEqual(['class-rules-eyfs-ks1', 'governor-aua', 'pupil-aua-ks2', 'staff-aua', 'volunteer-aua']);
    const governorCampaign = fresh.find((c) => c.policyId === 'governor-aua');
    const governorSends = await world.models.agreementSends.find({ campaignId: governorCampaign?._id, round: 0 }).lean();
    expect(governorSends.map((s) => s.personId).sort()).toEqual(['g001', 'g002', 'g003']);
    const staffCampaign = fresh.find((c) => c.policyId === 'staff-aua');
    expect((await world.models.agreementSends.find({ campaignId: staffCampaign?._id, round: 0 }).lean()).every((s) => s.personId.startsWith('s') && !s.form)).toBe(true);
    expect(await world.models.agreementCampaigns.countDocuments({ key: 'summer', status: 'open' })).toBe(0);
    expect(await world.models.agreementCampaigns.countDocuments({ status: 'open' })).toBe(5);
  });

  it('the self-audit issued as a campaign arrives as the questionnaire; "I agree" does not count; each year\'s answers are kept', async () => {
    const at = new Date('2026-09-02T08:00:00Z');
    const version = versions.get('staff-training-self-audit') as AgreementVersion;
    const { campaign } = await startCampaign(world.models, request('staff-training-self-audit', at), at);
    const cards = await jobsAt(at);
    const mine = cards.find((c) => c.personId === 's002' && c.versionId === version._id);
    expect(mine?.kind).toBe('audit');
    const agreed = await world.act('s002', 'agreement.sign', { versionId: version._id, campaignId: campaign._id });
    expect(text(agreed)).toContain('Input.ChoiceSet');
    expect((await signedPersonIds(world.models, version, at, calendarOf(world.school))).has('s002')).toBe(false);
    const answers = Object.fromEntries((version.questions ?? []).map((_, i) => [`q${i}`, 'yes']));
    await world.act('s002', 'agreement.audit', { versionId: version._id, campaignId: campaign._id, ...answers });
    expect((await signedPersonIds(world.models, version, world.clock.now(), calendarOf(world.school))).has('s002')).toBe(true);
    world.clock.set(new Date('2027-09-10T08:00:00Z'));
    await world.act('s002', 'agreement.audit', { versionId: version._id, ...Object.fromEntries(Object.keys(answers).map((k) => [k, 'no'])) });
    const kept = await world.models.agreementAuditAnswers.find({ personId: 's002' }).sort({ submittedAt: 1 }).lean();
    expect(kept).toHaveLength(2);
    expect(kept[0]?.answers[0]?.answer).toBe('Yes');
    expect(kept[1]?.answers[0]?.answer).toBe('No');
  });

  it('figures count each person in the audience once, however many campaigns asked them', async () => {
    const at = new Date('2026-09-03T08:00:00Z');
    await issueCampaign(world.models, request('staff-aua', at, { key: 'one' }), at);
    await issueCampaign(world.models, request('staff-aua', at, { key: 'two' }), at);
    const staff = [...world.directory.people.values()].filter((p) => p.role === 'staff').length;
    const rows = (await complianceFigures(world.models, SCHOOL_ID, at, calendarOf(world.school))).filter((r) => r.policyId === 'staff-aua');
    expect(rows).toEqual([expect.objectContaining({ group: 'staff', total: staff })]);
    const digest = await readAgreements({ models: world.models, school: world.school, now: at } as unknown as SourceContext);
    expect(digest.state === 'ok' && digest.data.rows.find((r) => r.audience === 'Staff')?.required).toBe(staff);
  });

  it('reminders say so; a late joiner gets their own due date and schedule; the escalation separates not reachable from not signed', async () => {
    const at = new Date('2026-10-01T08:00:00Z');
    const { campaign } = await startCampaign(world.models, request('staff-aua', at, { key: 'october' }), at);
    const first = (await jobsAt(at)).find((c) => c.personId === 's003');
    expect(first?.reminder).toBe(0);
    const reminder = (await jobsAt(new Date(at.getTime() + 3 * DAY + 60_000))).find((c) => c.personId === 's003');
    expect(reminder?.reminder).toBe(1);
    expect(text(reminder?.card)).toContain('Reminder 1 of 3');
    expect(text(reminder?.card)).toContain('15 October 2026');
    // A member of staff joins on day 15: only their first card, due 14 days later, and not overdue.
    const joiner = world.directory.joinStaff();
    await world.install(joiner);
    world.writeDirectory();
    const day15 = new Date(at.getTime() + 15 * DAY - 5 * 3_600_000);
    const day15Cards = await jobsAt(day15);
    const joinerCards = day15Cards.filter((c) => c.personId === joiner);
    expect(joinerCards.map((c) => c.reminder)).toEqual([0]);
    expect(text(joinerCards[0]?.card)).toContain('30 October 2026');
    const rows = await complianceFigures(world.models, SCHOOL_ID, new Date(day15.getTime() + DAY), calendarOf(world.school), { campaignIds: [campaign._id] });
    expect(rows[0]?.overdueNames).not.toContain(world.directory.people.get(joiner)?.displayName);
    const later = (await jobsAt(new Date(day15.getTime() + 3 * DAY + 60_000))).filter((c) => c.personId === joiner);
    expect(later.map((c) => c.reminder)).toEqual([1]);
    const escalation = day15Cards.find((c) => c.kind === 'status');
    expect(text(escalation?.card)).toMatch(/Received a card and not signed\*\* \(\d+\): [^"]*Staff 3/);
    expect(text(escalation?.card)).toMatch(/Never received a card[^"]*\(\d+\): Staff 9/);
  });

  it('the signed card shows the version in its Version row', async () => {
    const at = new Date('2026-11-02T08:00:00Z');
    world.clock.set(at);
    const signed = await world.act('s004', 'agreement.sign', { versionId: versions.get('governor-aua')?._id });
    expect(text(signed)).not.toContain('"title":"Version","value":1');
    const g = await world.act('g001', 'agreement.sign', { versionId: versions.get('governor-aua')?._id });
    expect(text(g)).toContain('"title":"Version","value":"1"');
  });

  it('class teachers are prompted and reminded; "tick all", "absent" and unticking a mistake are new records', async () => {
    const at = new Date('2026-11-09T08:00:00Z');
    await startCampaign(world.models, request('class-rules-eyfs-ks1', at, { key: 'class' }), at);
    const prompt = (await jobsAt(at)).find((c) => c.kind === 'class' && c.form === 'Robins');
    expect(prompt?.personId).toBe('s003');
    expect(text(prompt?.card)).toContain('record their agreement');
    const all = classRows((await world.act('s003', 'agreement.class-view', { form: 'Robins', tickAll: true })) as Record<string, unknown>);
    expect(all.every((r) => r.ticked)).toBe(true);
    const [a, b, c] = all.map((r) => r.personId);
    const base = { versionId: prompt?.versionId, form: 'Robins' };
    await world.act('s003', 'agreement.class-sign', { ...base, [`pupil_${a}`]: 'true', [`pupil_${b}`]: 'true', [`pupil_${c}`]: 'false', [`absent_${c}`]: 'true' });
    const ticked = await world.models.agreementSignatures.findOne({ onBehalfOfId: b, outcome: 'agreed' }).lean();
    // b was ticked by mistake: unticking records a withdrawal and leaves the first record as it was.
    await world.act('s003', 'agreement.class-sign', { ...base, [`pupil_${a}`]: 'true', [`pupil_${b}`]: 'false', [`pupil_${c}`]: 'false', [`absent_${c}`]: 'true' });
    const records = await world.models.agreementSignatures.find({ onBehalfOfId: b }).sort({ seq: 1 }).lean();
    expect(records.map((r) => r.outcome)).toEqual(['agreed', 'withdrawn']);
    expect(records[0]).toEqual(ticked);
    const version = versions.get('class-rules-eyfs-ks1') as AgreementVersion;
    const signed = await signedPersonIds(world.models, version, world.clock.now(), calendarOf(world.school));
    expect([a, b, c].map((p) => signed.has(p as string))).toEqual([true, false, false]);
    expect(await world.models.agreementSignatures.countDocuments({ onBehalfOfId: c, outcome: 'absent' })).toBe(1);
    const reminded = (await jobsAt(new Date(at.getTime() + 3 * DAY + 60_000))).find((x) => x.kind === 'class' && x.form === 'Robins');
    expect(text(reminded?.card)).toContain('Reminder 1 of 3');
    expect((await verifyChain(world.models, SCHOOL_ID)).ok).toBe(true);
  });

  it('evidence verify fails for a signature dated before its version existed', async () => {
    const version = versions.get('visitor-aua') as AgreementVersion;
    await recordSignature(world.models, { schoolId: SCHOOL_ID, versionId: version._id, signerId: 's005', channel: 'cli' }, calendarOf(world.school), () => new Date('2026-01-01T00:00:00Z'));
    const report = await verifyChain(world.models, SCHOOL_ID);
    expect(report.ok).toBe(false);
    expect(report.issues.map((i) => i.kind)).toContain('backdated');
  });
});
