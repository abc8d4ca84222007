import type { Models } from '../stores.js';
import type { Person } from '../directory/person.js';
import { inAudience, type Audience } from './audience.js';
import type { AgreementCampaign, AgreementSend } from './campaign-model.js';
import type { AgreementSignature } from './signature-model.js';
import type { AgreementVersion } from './version-model.js';
import { academicYearIn, type SchoolCalendar } from './academic-year.js';
import { completes, COUNTERSIGNED, latestBySubject } from './evidence.js';
import { countingSignatures } from './signing.js';
import type { VisitorCount } from './visitors.js';

/** One line of the compliance view. */
export interface ComplianceRow {
  policyId: string;
  title: string;
  versionNumber: number;
  /** "staff", "governor", "Year 1", "Robins (Year 1)". */
  group: string;
  /** Distinct people in the group who have signed (each person counted once, however many campaigns asked them). */
  signed: number;
  /** Distinct people in the group the policy's open campaigns are addressed to. */
  total: number;
  overdue: number;
  /** Names of overdue adults (never pupils' names). */
  overdueNames: string[];
}

/**
 * Who is done with `version` among these records: each person's latest record in the version's sign group
 * (and, for a yearly policy, in the academic year of `now` in the school's `calendar`) must complete it (see `completes`).
 */
export function doneSubjects(version: AgreementVersion, signGroupIds: readonly string[], records: readonly AgreementSignature[], now: Date, calendar: SchoolCalendar): Set<string> {
  const period = version.yearly ? academicYearIn(now, calendar) : undefined;
  const ids = new Set(signGroupIds);
  const relevant = records.filter((r) => r.schoolId === version.schoolId && ids.has(r.versionId) && (!period || r.period === period));
  return new Set([...latestBySubject(relevant)].filter(([, r]) => completes(version, r)).map(([subject]) => subject));
}

/** The pupils whose parent countersigned `version` (its sign group; this academic year for a yearly one) among these records. */
export function countersignedSubjects(version: AgreementVersion, signGroupIds: readonly string[], records: readonly AgreementSignature[], now: Date, calendar: SchoolCalendar): Set<string> {
  const period = version.yearly ? academicYearIn(now, calendar) : undefined;
  const ids = new Set(signGroupIds);
  const countersigned = records.filter((r) => r.schoolId === version.schoolId && r.outcome === COUNTERSIGNED && ids.has(r.versionId) && (!period || r.period === period));
  return new Set(countersigned.flatMap((r) => (r.onBehalfOfId ? [r.onBehalfOfId] : [])));
}

/** The fields of a signature record standings are worked out from (the hashes and client details are not read). */
export const STANDING_FIELDS = { schoolId: 1, versionId: 1, period: 1, seq: 1, signerId: 1, onBehalfOfId: 1, outcome: 1 } as const;

/** The personIds who have signed (or been signed for) a version or its minor revisions, and not withdrawn. */
export async function signedPersonIds(models: Pick<Models, 'agreementVersions' | 'agreementSignatures'>, version: AgreementVersion, now: Date, calendar: SchoolCalendar): Promise<Set<string>> {
  const sigs = await countingSignatures(models, version, now, calendar);
  return doneSubjects(version, [...new Set(sigs.map((r) => r.versionId))], sigs, now, calendar);
}

/** One policy being collected: its newest open campaign's version, and everyone its open campaigns are addressed to. */
export interface PolicyStanding {
  version: AgreementVersion;
  campaigns: AgreementCampaign[];
  /** Distinct active people in the audience of any of the policy's open campaigns, sorted by personId. */
  people: Person[];
  done: Set<string>;
  /** Pupils whose parent countersigned the agreement (counted apart: it never makes the pupil done). */
  countersigned: Set<string>;
  /** Each person's own sign-by date (a late joiner's is later than the campaign's). */
  dueOf: (personId: string) => Date;
}

/** What the standings are worked out from: a school's campaigns and one read of each collection. */
export interface StandingInputs {
  campaigns: readonly AgreementCampaign[];
  /** Active people. */
  people: readonly Person[];
  versions: readonly AgreementVersion[];
  signatures: readonly AgreementSignature[];
  /** First cards (round 0) of these campaigns, for each person's own sign-by date; may be empty. */
  firsts: readonly AgreementSend[];
}

/**
 * The standing of each policy among these campaigns. Campaigns of one policy are merged (its newest
 * version counts), so a person asked twice (two campaigns, a re-issue) is one person.
 */
export function standingsFrom(input: StandingInputs, now: Date, calendar: SchoolCalendar): PolicyStanding[] {
  const versionById = new Map(input.versions.map((v) => [v._id, v]));
  const signBy = new Map<string, number>();
  for (const s of input.firsts) {
    if (!s.signBy || s.form) continue;
    const key = `${s.campaignId}|${s.personId}`;
    signBy.set(key, Math.min(signBy.get(key) ?? Infinity, new Date(s.signBy).getTime()));
  }
  const byPolicy = new Map<string, AgreementCampaign[]>();
  for (const c of input.campaigns) if (versionById.has(c.versionId)) byPolicy.set(c.policyId, [...(byPolicy.get(c.policyId) ?? []), c]);
  const out: PolicyStanding[] = [];
  for (const group of byPolicy.values()) {
    const version = group.map((c) => versionById.get(c.versionId) as AgreementVersion).reduce((a, b) => (b.number > a.number ? b : a));
    const members = input.people.filter((p) => group.some((c) => inAudience(p, c.audience as Audience)));
    const signGroup = input.versions.filter((v) => v.policyId === version.policyId && v.signGroup === version.signGroup).map((v) => v._id);
    const dueOf = (personId: string): Date => {
      const person = members.find((p) => p.personId === personId);
      const own = group.filter((c) => !person || inAudience(person, c.audience as Audience)).map((c) => signBy.get(`${c._id}|${personId}`) ?? new Date(c.dueAt).getTime());
      return new Date(Math.min(...own));
    };
    out.push({ version, campaigns: group, people: members, done: doneSubjects(version, signGroup, input.signatures, now, calendar), countersigned: countersignedSubjects(version, signGroup, input.signatures, now, calendar), dueOf });
  }
  return out;
}

/** The standing of every policy with an open campaign (or of the named campaigns), from one read of each collection. */
export async function policyStandings(models: Models, schoolId: string, now: Date, calendar: SchoolCalendar, options: { campaignIds?: string[] } = {}): Promise<PolicyStanding[]> {
  const campaigns = await models.agreementCampaigns
    .find({ schoolId, ...(options.campaignIds ? { _id: { $in: options.campaignIds } } : { status: 'open' }) })
    .sort({ policyId: 1, createdAt: 1 })
    .lean<AgreementCampaign[]>();
  if (campaigns.length === 0) return [];
  const [people, versions, signatures, firsts] = await Promise.all([
    models.people.find({ schoolId, active: true }).sort({ personId: 1 }).lean<Person[]>(),
    models.agreementVersions.find({ schoolId }).lean<AgreementVersion[]>(),
    models.agreementSignatures.find({ schoolId }, STANDING_FIELDS).lean<AgreementSignature[]>(),
    models.agreementSends.find({ schoolId, round: 0, campaignId: { $in: campaigns.map((c) => c._id) } }, { campaignId: 1, personId: 1, signBy: 1, form: 1 }).lean<AgreementSend[]>(),
  ]);
  return standingsFrom({ campaigns, people, versions, signatures, firsts }, now, calendar);
}

/**
 * Figures for each policy with an open campaign (or the named campaigns): by role for adults, by year group
 * and by form for pupils, each person counted once. A person is overdue when their own sign-by date has
 * passed and they have not signed.
 */
export async function complianceFigures(models: Models, schoolId: string, now: Date, calendar: SchoolCalendar, options: { campaignIds?: string[] } = {}): Promise<ComplianceRow[]> {
  return complianceRows(await policyStandings(models, schoolId, now, calendar, options), now);
}

/** The compliance figures of standings already worked out (see `complianceFigures`). */
export function complianceRows(standings: readonly PolicyStanding[], now: Date): ComplianceRow[] {
  const rows: ComplianceRow[] = [];
  for (const { version, people, done, dueOf } of standings) {
    const groups = new Map<string, Person[]>();
    const add = (g: string, p: Person) => groups.set(g, [...(groups.get(g) ?? []), p]);
    for (const p of people) {
      if (p.role === 'pupil') {
        add(`Year ${p.yearGroup ?? '?'}`, p);
        add(`${p.form ?? 'no form'} (Year ${p.yearGroup ?? '?'})`, p);
      } else {
        add(p.role, p);
      }
    }
    for (const [group, members] of groups) {
      const unsigned = members.filter((m) => !done.has(m.personId));
      const overdue = unsigned.filter((m) => dueOf(m.personId).getTime() < now.getTime());
      rows.push({
        policyId: version.policyId,
        title: version.title,
        versionNumber: version.number,
        group,
        signed: members.length - unsigned.length,
        total: members.length,
        overdue: overdue.length,
        overdueNames: overdue.filter((m) => m.role !== 'pupil').map((m) => m.displayName),
      });
    }
  }
  return rows;
}

/** Column headings of the compliance export. */
export const COMPLIANCE_COLUMNS = ['policy', 'title', 'version', 'group', 'signed', 'total', 'overdue'] as const;

/** The groups visitors are counted under: no audience holds them, so they have no total and are never overdue. */
export const VISITOR_GROUPS = { kiosk: 'visitors (reception kiosk)', link: 'visitors (emailed link)' } as const;

/**
 * The compliance figures as CSV (`lantern agreements status --csv`): one row per policy and group, counts only;
 * visitors who signed the current version follow, with total and overdue left empty.
 */
export function complianceCsv(rows: readonly ComplianceRow[], visitors: readonly VisitorCount[] = []): string {
  const cell = (v: string | number) => (/[",\n\r]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const lines = rows.map((r) => [r.policyId, r.title, r.versionNumber, r.group, r.signed, r.total, r.overdue].map(cell).join(','));
  const visitorLines = visitors.flatMap((v) =>
    (['kiosk', 'link'] as const).filter((how) => v[how] > 0).map((how) => [v.policyId, v.title, v.versionNumber, VISITOR_GROUPS[how], v[how], '', ''].map(cell).join(',')),
  );
  return `${[COMPLIANCE_COLUMNS.join(','), ...lines, ...visitorLines].join('\n')}\n`;
}
