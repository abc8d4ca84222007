import { academicYearIn, calendarOf, type SchoolCalendar } from '../../../src/agreements/academic-year.js';
import { inAudience, SELF_SIGNING_ROLES, type Audience } from '../../../src/agreements/audience.js';
import type { AgreementCampaign } from '../../../src/agreements/campaign-model.js';
import type { AgreementSend } from '../../../src/agreements/campaign-model.js';
import { complianceCsv, complianceFigures, complianceRows, standingsFrom, type ComplianceRow } from '../../../src/agreements/compliance.js';
import type { AgreementSignature } from '../../../src/agreements/signature-model.js';
import type { AgreementVersion } from '../../../src/agreements/version-model.js';
import { checkChain, verifyChain } from '../../../src/agreements/verify.js';
import { standingsOfKind, type StandingKind } from '../../../src/agreements/weekly.js';
import { completionRows, readAgreements, readTraining } from '../../../src/digest/sources/agreements.js';
import type { SourceContext } from '../../../src/digest/sources/context.js';
import type { Person, PersonInput } from '../../../src/directory/person.js';
import type { ReceivedCard } from './cards.js';
import { SCHOOL_ID, type SimWorld } from './world.js';

const DAY = 86_400_000;
const NOT_DONE = ['declined', 'withdrawn', 'absent', 'question'];

/** What the invariants remember between days. */
export class Ledger {
  /** person|policy|vN|period → first cards received. */
  readonly firsts = new Map<string, ReceivedCard[]>();
  /** person|campaign|n → reminders received. */
  readonly reminders = new Map<string, number>();
  /** person|campaign → when their first card came. */
  readonly firstAt = new Map<string, Date>();
  /** The day each person entered the directory (people there at the start: the start). */
  readonly since = new Map<string, number>();
  checks = 0;
}

/** A failed invariant, with the simulated day. */
function fail(day: Date, message: string): never {
  throw new Error(`${day.toISOString().slice(0, 10)}: ${message}`);
}

/** Checks each card as it arrives: addressed to its audience, one first card per version per year, reminders in order. */
export function checkDelivery(world: SimWorld, ledger: Ledger, card: ReceivedCard, versions: Map<string, AgreementVersion>, campaigns: Map<string, AgreementCampaign>): void {
  const person = world.directory.people.get(card.personId);
  if (!person) fail(card.at, `${card.personId} got a card after leaving`);
  if (card.kind === 'sign' || card.kind === 'audit') {
    const version = versions.get(card.versionId ?? '');
    const campaign = campaigns.get(card.campaignId ?? '');
    if (!version || !campaign) fail(card.at, `${card.personId} got a card for an unknown version or campaign (${card.versionId}, ${card.campaignId})`);
    if (!SELF_SIGNING_ROLES.has(person.role) || !inAudience(person as never, campaign.audience as Audience) || !inAudience(person as never, version.audience as Audience)) {
      fail(card.at, `${card.personId} (${person.role}) was sent ${version.policyId}, which is not addressed to them`);
    }
    if ((version.kind === 'questionnaire') !== (card.kind === 'audit')) fail(card.at, `${version.policyId} arrived as a ${card.kind} card`);
    if (campaign.versionId !== version._id) fail(card.at, `campaign ${campaign._id} sent version ${version._id}`);
    const who = `${card.personId}|${campaign._id}`;
    if (card.reminder === 0) {
      const key = `${card.personId}|${version.policyId}|v${version.number}|${academicYearIn(card.at, calendarOf(world.school))}`;
      const seen = ledger.firsts.get(key) ?? [];
      seen.push(card);
      ledger.firsts.set(key, seen);
      if (seen.length > 1) fail(card.at, `${card.personId} was asked ${seen.length} times for ${key}`);
      ledger.firstAt.set(who, card.at);
    } else {
      const of = campaign.reminderDays?.length ?? 0;
      if (card.reminderOf !== of || card.reminder > of) fail(card.at, `reminder ${card.reminder} of ${card.reminderOf} for a campaign with ${of}`);
      const key = `${who}|${card.reminder}`;
      ledger.reminders.set(key, (ledger.reminders.get(key) ?? 0) + 1);
      if ((ledger.reminders.get(key) ?? 0) > 1) fail(card.at, `${card.personId} got reminder ${card.reminder} of ${campaign._id} twice`);
      const first = ledger.firstAt.get(who);
      const day = campaign.reminderDays?.[card.reminder - 1] ?? 0;
      // Counted from the person's own first card: a late joiner does not get every reminder at once.
      if (first && card.at.getTime() < first.getTime() + day * DAY - 60_000) fail(card.at, `${card.personId}'s reminder ${card.reminder} came before day ${day} of their own schedule`);
      if (JSON.stringify(card.card).includes('"isReminder"')) fail(card.at, 'template data leaked');
    }
  } else if (card.kind === 'class') {
    if (!(person.formsTaught ?? []).includes(card.form ?? '')) fail(card.at, `${card.personId} was prompted for ${card.form}, which they do not teach`);
  } else if (card.kind === 'status') {
    if (person.email !== 's001@sim.example') fail(card.at, `the escalation went to ${card.personId}`);
    const text = JSON.stringify(card.card);
    if (!text.includes('Received a card and not signed') || !text.includes('Never received a card')) fail(card.at, 'the escalation card does not separate not reachable from not signed');
  } else if (JSON.stringify(card.card).includes('Self-audit answers')) {
    // A member of staff's self-audit answers, passed to the DSL team.
    if (person.email !== 's001@sim.example') fail(card.at, `self-audit answers went to ${card.personId}`);
  } else {
    fail(card.at, `${card.personId} got an unexpected card: ${JSON.stringify(card.card).slice(0, 200)}`);
  }
}

type Row = { policy: string; group: string; signed: number; total: number };

/** The figures recounted from the signature records and the directory the simulation wrote, by its own rules. */
function recount(people: readonly PersonInput[], campaigns: readonly AgreementCampaign[], versions: readonly AgreementVersion[], records: readonly AgreementSignature[], now: Date, calendar: SchoolCalendar) {
  const rows: Row[] = [];
  const perPerson = new Map<string, Map<string, boolean>>();
  const byPolicy = new Map<string, AgreementCampaign[]>();
  for (const c of campaigns) byPolicy.set(c.policyId, [...(byPolicy.get(c.policyId) ?? []), c]);
  for (const [policy, group] of byPolicy) {
    const version = versions.filter((v) => group.some((c) => c.versionId === v._id)).sort((a, b) => b.number - a.number)[0] as AgreementVersion;
    const ids = new Set(versions.filter((v) => v.policyId === policy && v.signGroup === version.signGroup).map((v) => v._id));
    const period = version.yearly ? academicYearIn(now, calendar) : '-';
    const latest = new Map<string, AgreementSignature>();
    for (const r of records) {
      if (!ids.has(r.versionId) || (version.yearly && r.period !== period)) continue;
      const subject = r.onBehalfOfId ?? r.signerId;
      if ((latest.get(subject)?.seq ?? 0) < r.seq) latest.set(subject, r);
    }
    const done = (id: string) => {
      const r = latest.get(id);
      return Boolean(r && (version.kind === 'questionnaire' ? r.outcome === 'answered' : !NOT_DONE.includes(r.outcome)));
    };
    const members = people.filter((p) => group.some((c) => inAudience(p as never, c.audience as Audience)));
    const groups = new Map<string, PersonInput[]>();
    for (const p of members) {
      const keys = p.role === 'pupil' ? [`Year ${p.yearGroup}`, `${p.form} (Year ${p.yearGroup})`] : [p.role];
      for (const k of keys) groups.set(k, [...(groups.get(k) ?? []), p]);
      const kind = version.kind === 'questionnaire' ? 'training' : 'agreements';
      const seen = perPerson.get(kind) ?? new Map<string, boolean>();
      seen.set(p.personId, (seen.get(p.personId) ?? true) && done(p.personId));
      perPerson.set(kind, seen);
    }
    for (const [g, ms] of groups) rows.push({ policy, group: g, signed: ms.filter((m) => done(m.personId)).length, total: ms.length });
  }
  const label = (p: PersonInput) =>
    ({ staff: 'Staff', governor: 'Governors', volunteer: 'Volunteers and visitors', visitor: 'Volunteers and visitors', parent: 'Parents and carers' })[p.role as string] ??
    `Pupils — ${p.yearGroup === 'R' ? 'Reception' : `Year ${p.yearGroup}`}`;
  const digest = (kind: string) => {
    const out = new Map<string, { required: number; done: number }>();
    for (const [id, ok] of perPerson.get(kind) ?? []) {
      const p = people.find((x) => x.personId === id) as PersonInput;
      const row = out.get(label(p)) ?? { required: 0, done: 0 };
      row.required += 1;
      if (ok) row.done += 1;
      out.set(label(p), row);
    }
    return [...out.entries()].map(([audience, r]) => `${audience}:${r.done}/${r.required}`).sort();
  };
  return { rows: rows.map((r) => `${r.policy}|${r.group}|${r.signed}/${r.total}`).sort(), agreements: digest('agreements'), training: digest('training') };
}

/**
 * The end-of-day checks: `agreements status` (its figures and CSV), the digest's agreement and training
 * sections and evidence verify agree with a recount from the signature records; everyone in an open
 * campaign's audience who can be reached has been asked; nobody is overdue before their own due date.
 * Each collection is read once and the capability's own counting (`standingsFrom`, `complianceRows`,
 * `completionRows`, `checkChain`) runs over that read; with `full`, the product's read paths
 * (`complianceFigures`, `readAgreements`, `readTraining`, `verifyChain`) run as well and must say the same.
 */
export async function checkDay(world: SimWorld, ledger: Ledger, options: { full: boolean }): Promise<void> {
  const now = world.clock.now();
  ledger.checks += 1;
  const { models } = world;
  const open = await models.agreementCampaigns.find({ schoolId: SCHOOL_ID, status: 'open' }).sort({ policyId: 1, createdAt: 1 }).lean<AgreementCampaign[]>();
  const [versions, records, dbPeople, firsts, refs, head] = await Promise.all([
    models.agreementVersions.find({ schoolId: SCHOOL_ID }).lean<AgreementVersion[]>(),
    models.agreementSignatures.find({ schoolId: SCHOOL_ID }).lean<AgreementSignature[]>(),
    models.people.find({ schoolId: SCHOOL_ID, active: true }).sort({ personId: 1 }).lean<Person[]>(),
    models.agreementSends.find({ schoolId: SCHOOL_ID, round: 0, campaignId: { $in: open.map((c) => c._id) } }, { campaignId: 1, personId: 1, signBy: 1, form: 1 }).lean<AgreementSend[]>(),
    models.conversationRefs.find({ scope: 'personal', installed: true }, { aadObjectId: 1 }).lean(),
    models.agreementChainHeads.findById(SCHOOL_ID).lean<{ seq: number }>(),
  ]);
  const people = [...world.directory.people.values()];
  const calendar = calendarOf(world.school);
  const expected = recount(people, open, versions, records, now, calendar);
  const inputs = { campaigns: open, people: dbPeople, versions, signatures: records, firsts };

  const figures = complianceRows(standingsFrom(inputs, now, calendar), now);
  const status = figures.map((r) => `${r.policyId}|${r.group}|${r.signed}/${r.total}`).sort();
  if (JSON.stringify(status) !== JSON.stringify(expected.rows)) fail(now, `agreements status differs from the recount:\n${diff(status, expected.rows)}`);
  const csv = complianceCsv(figures).trim().split('\n').slice(1).map((line) => {
    const [policy, , , group, signed, total] = line.split(',');
    return `${policy}|${group}|${signed}/${total}`;
  }).sort();
  if (JSON.stringify(csv) !== JSON.stringify(expected.rows)) fail(now, `the compliance export differs from the recount:\n${diff(csv, expected.rows)}`);

  const completion = (kind: StandingKind) => completionRows(standingsOfKind(inputs, kind, now, calendar)).map((r) => `${r.audience}:${r.done}/${r.required}`).sort();
  const [agreements, training] = [completion('agreements'), completion('training')];
  if (JSON.stringify(agreements) !== JSON.stringify(expected.agreements)) fail(now, `the digest's agreements differ from the recount:\n${diff(agreements, expected.agreements)}`);
  if (JSON.stringify(training) !== JSON.stringify(expected.training)) fail(now, `the digest's training differs from the recount:\n${diff(training, expected.training)}`);

  const bySeq = [...records].sort((a, b) => a.seq - b.seq);
  const chain = await checkChain(SCHOOL_ID, bySeq, versions, () => head?.seq);
  if (!chain.ok || chain.records !== records.length) fail(now, `evidence verify: ${chain.issues.map((i) => i.detail).join('; ')}`);

  if (options.full) await checkReadPaths(world, now, { figures, agreements, training, records: chain.records });

  // Nobody overdue before their own due date: a late joiner has the campaign's full time from their first card.
  const byName = new Map(people.map((p) => [p.displayName, p]));
  for (const row of figures) {
    for (const name of row.overdueNames) {
      const person = byName.get(name);
      const campaign = open.find((c) => c.policyId === row.policyId);
      const first = person && campaign ? ledger.firstAt.get(`${person.personId}|${campaign._id}`) : undefined;
      const span = campaign ? new Date(campaign.dueAt).getTime() - new Date(campaign.createdAt).getTime() : 0;
      if (first && now.getTime() < first.getTime() + span) fail(now, `${name} is overdue for ${row.policyId} ${Math.round((now.getTime() - first.getTime()) / DAY)} days after their first card`);
    }
  }

  // Everyone reachable in an open campaign's audience since before today has been asked (or has already signed).
  const installed = new Set(refs.map((r) => r.aadObjectId));
  const signedIn = new Set(records.map((r) => `${r.signerId}|${r.policyId}|${r.period ?? ''}`));
  const signedAny = new Set(records.map((r) => `${r.signerId}|${r.policyId}`));
  const today = now.getTime() - DAY;
  const period = academicYearIn(now, calendar);
  for (const campaign of open) {
    if (new Date(campaign.createdAt).getTime() > today) continue;
    const version = versions.find((v) => v._id === campaign.versionId) as AgreementVersion;
    for (const p of people) {
      if (!SELF_SIGNING_ROLES.has(p.role) || !inAudience(p as never, campaign.audience as Audience) || !installed.has(p.aadObjectId)) continue;
      if ((ledger.since.get(p.personId) ?? 0) > today) continue;
      const asked = ledger.firsts.has(`${p.personId}|${version.policyId}|v${version.number}|${period}`);
      const signed = version.yearly ? signedIn.has(`${p.personId}|${version.policyId}|${period}`) : signedAny.has(`${p.personId}|${version.policyId}`);
      if (!asked && !signed) fail(now, `${p.personId} was never asked for ${campaign._id}`);
    }
  }
}

/** The product's own read paths (status, the digest's sections, evidence verify) say what the checks worked out from one read. */
async function checkReadPaths(world: SimWorld, now: Date, seen: { figures: ComplianceRow[]; agreements: string[]; training: string[]; records: number }): Promise<void> {
  const { models } = world;
  const figures = await complianceFigures(models, SCHOOL_ID, now, calendarOf(world.school));
  if (JSON.stringify(figures) !== JSON.stringify(seen.figures)) fail(now, 'agreements status read from the database differs from the same figures worked out from one read');
  const ctx = { models, school: world.school, now } as unknown as SourceContext;
  const [agreements, training] = await Promise.all([readAgreements(ctx), readTraining(ctx)]);
  const digestRows = (s: Awaited<ReturnType<typeof readAgreements>>) => (s.state === 'ok' ? s.data.rows.map((r) => `${r.audience}:${r.done}/${r.required}`).sort() : []);
  if (JSON.stringify(digestRows(agreements)) !== JSON.stringify(seen.agreements)) fail(now, `the digest's agreements section differs:\n${diff(digestRows(agreements), seen.agreements)}`);
  if (JSON.stringify(digestRows(training)) !== JSON.stringify(seen.training)) fail(now, `the digest's training section differs:\n${diff(digestRows(training), seen.training)}`);
  const chain = await verifyChain(models, SCHOOL_ID);
  if (!chain.ok || chain.records !== seen.records) fail(now, `evidence verify: ${chain.issues.map((i) => i.detail).join('; ')} (${chain.records} records, ${seen.records} read)`);
}

function diff(actual: string[], expected: string[]): string {
  const a = new Set(actual);
  const e = new Set(expected);
  return [...actual.filter((x) => !e.has(x)).map((x) => `  got      ${x}`), ...expected.filter((x) => !a.has(x)).map((x) => `  recount  ${x}`)].join('\n');
}
