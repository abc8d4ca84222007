import type { School } from '../../config/load.js';
import type { Models } from '../../stores.js';
import type { Person } from '../../directory/person.js';
import { calendarOf } from '../../agreements/academic-year.js';
import { policyStandings } from '../../agreements/compliance.js';
import { visitorRegister, type VisitorRegisterRow } from '../../agreements/visitors.js';
import type { AgreementSendResult } from '../../agreements/campaign-model.js';
import type { AgreementSignature } from '../../agreements/signature-model.js';
import { casesWeek } from '../../cases/weekly.js';
import type { ChainHead } from '../../integrity/heads.js';
import type { ConsentKind, ConsentRecord } from '../../parents/consent-model.js';
import { tallyConsents } from '../../parents/consent-summary.js';
import { latestByKind } from '../../parents/consents.js';
import type { FilterCheck } from '../../records/fnm-model.js';
import { TRAINING_KINDS, type TrainingKind } from '../../records/training-kinds.js';
import { schoolHeads } from '../integrity/heads.js';

/** Where an adult stands with one policy on the last day of the pack. */
export type RegisterStatus = 'signed' | 'not signed' | 'overdue' | 'never received';

/** One adult on one policy's register: named, because the school's own record needs it. */
export interface RegisterRow {
  policyId: string;
  title: string;
  version: number;
  personId: string;
  name: string;
  role: string;
  status: RegisterStatus;
  signedAt: Date | null;
  channel: string;
}

/** One class on one policy: pupils as counts, never names. */
export interface ClassRow {
  policyId: string;
  title: string;
  form: string;
  signed: number;
  total: number;
  overdue: number;
}

/** Current consent answers of one class, as counts. */
export interface ConsentRow {
  form: string;
  kind: ConsentKind;
  /** The configured label, or "<id> (no longer asked)". */
  label: string;
  given: number;
  refused: number;
  withdrawn: number;
  noAnswer: number;
}

/** Everything the inspection pack holds for one school and date range. */
export interface InspectionPack {
  school: { id: string; name: string };
  from: Date;
  to: Date;
  generatedAt: Date;
  registers: RegisterRow[];
  /** Visitors and others without a school account who signed in the period (kiosk, emailed link). */
  visitors: VisitorRegisterRow[];
  classes: ClassRow[];
  training: { name: string; kind: string; completedOn: Date; expiresOn: Date | null; provider: string }[];
  consents: ConsentRow[];
  fnmReviews: { reviewedOn: Date; participants: string; met: number; partly: number; notMet: number; actions: string; recordedBy: string }[];
  filterChecks: { checkedAt: Date; tested: string; result: string; checkedBy: string; note: string }[];
  ruleChanges: { at: Date; who: string; why: string; what: string }[];
  incidents: { opened: number; acknowledged: number; closed: number; openHighOrCritical: number; byCategory: { category: string; severity: string; count: number }[] };
  heads: ChainHead[];
}

function inRange(from: Date, to: Date): { $gte: Date; $lt: Date } {
  return { $gte: from, $lt: to };
}

/** The latest agreeing record of each person for these versions, up to `to`. */
function signedRecords(signatures: readonly AgreementSignature[], versionIds: ReadonlySet<string>): Map<string, AgreementSignature> {
  const out = new Map<string, AgreementSignature>();
  for (const s of signatures) {
    if (!versionIds.has(s.versionId)) continue;
    const subject = s.onBehalfOfId ?? s.signerId;
    const seen = out.get(subject);
    if (!seen || seen.seq < s.seq) out.set(subject, s);
  }
  return out;
}

async function registers(models: Models, school: School, to: Date): Promise<{ registers: RegisterRow[]; classes: ClassRow[] }> {
  const standings = await policyStandings(models, school.id, to, calendarOf(school));
  const signatures = await models.agreementSignatures.find({ schoolId: school.id, signedAt: { $lt: to } }).lean<AgreementSignature[]>();
  const results = await models.agreementSendResults.find({ schoolId: school.id, status: 'sent', at: { $lt: to } }, { campaignId: 1, personId: 1 }).lean<Pick<AgreementSendResult, 'campaignId' | 'personId'>[]>();
  const received = new Set(results.map((r) => `${r.campaignId}|${r.personId}`));
  const rows: RegisterRow[] = [];
  const classes: ClassRow[] = [];
  for (const st of standings) {
    const versionIds = new Set(signatures.filter((s) => s.policyId === st.version.policyId).map((s) => s.versionId));
    const latest = signedRecords(signatures, versionIds);
    const byForm = new Map<string, ClassRow>();
    for (const p of st.people) {
      const done = st.done.has(p.personId);
      const overdue = !done && st.dueOf(p.personId).getTime() < to.getTime();
      if (p.role === 'pupil') {
        const form = p.form ?? `Year ${p.yearGroup ?? '?'}`;
        const row = byForm.get(form) ?? { policyId: st.version.policyId, title: st.version.title, form, signed: 0, total: 0, overdue: 0 };
        row.total++;
        if (done) row.signed++;
        if (overdue) row.overdue++;
        byForm.set(form, row);
        continue;
      }
      const sig = done ? latest.get(p.personId) : undefined;
      const wasSent = st.campaigns.some((c) => received.has(`${c._id}|${p.personId}`));
      const status: RegisterStatus = done ? 'signed' : !wasSent ? 'never received' : overdue ? 'overdue' : 'not signed';
      rows.push({ policyId: st.version.policyId, title: st.version.title, version: st.version.number, personId: p.personId, name: p.displayName, role: p.role, status, signedAt: sig ? new Date(sig.signedAt) : null, channel: sig?.channel ?? '' });
    }
    classes.push(...[...byForm.values()].sort((a, b) => a.form.localeCompare(b.form)));
  }
  return { registers: rows, classes };
}

async function consents(models: Models, school: School, to: Date): Promise<ConsentRow[]> {
  const pupils = await models.people.find({ schoolId: school.id, role: 'pupil', active: true }, { personId: 1, form: 1, yearGroup: 1 }).lean<Pick<Person, 'personId' | 'form' | 'yearGroup'>[]>();
  const records = await models.parentConsents.find({ schoolId: school.id, at: { $lt: to } }, { pupilId: 1, kind: 1, seq: 1, decision: 1 }).lean<ConsentRecord[]>();
  const byPupil = new Map<string, ConsentRecord[]>();
  for (const r of records) byPupil.set(r.pupilId, [...(byPupil.get(r.pupilId) ?? []), r]);
  const byForm = new Map<string, Pick<Person, 'personId' | 'yearGroup'>[]>();
  for (const p of pupils) {
    const form = p.form ?? `Year ${p.yearGroup ?? '?'}`;
    byForm.set(form, [...(byForm.get(form) ?? []), p]);
  }
  const rows: ConsentRow[] = [];
  for (const form of [...byForm.keys()].sort((a, b) => a.localeCompare(b))) {
    for (const t of tallyConsents(school, byForm.get(form) ?? [], (id) => latestByKind(byPupil.get(id) ?? []))) {
      rows.push({ form, kind: t.kind, label: t.label, given: t.given, refused: t.refused, withdrawn: t.withdrawn, noAnswer: t.noAnswer });
    }
  }
  return rows;
}

/**
 * Reads one school's records for an inspection: registers as they stood at the end of the range (adults named,
 * pupils as counts per class), training, consents, filtering reviews and checks, rule changes and incident
 * figures in the range, and the integrity heads of its chains at its end. `to` is exclusive.
 */
export async function gatherInspectionPack(models: Models, school: School, from: Date, to: Date, now: Date): Promise<InspectionPack> {
  const span = inRange(from, to);
  const { registers: regs, classes } = await registers(models, school, to);
  const training = await models.trainingRecords.find({ schoolId: school.id, completedOn: span }).sort({ completedOn: 1 }).lean();
  const reviews = await models.fnmReviews.find({ schoolId: school.id, reviewedOn: span }).sort({ reviewedOn: 1 }).lean();
  const checks = await models.filterChecks.find({ schoolId: school.id, checkedAt: span }).sort({ checkedAt: 1 }).lean<FilterCheck[]>();
  const changes = await models.monitoringChanges.find({ schoolId: school.id, at: span }).sort({ seq: 1 }).lean();
  const cases = await casesWeek(models, school.id, { start: from, end: to });
  const byCategory = new Map<string, { category: string; severity: string; count: number }>();
  for (const c of cases?.opened ?? []) {
    const key = `${c.category}|${c.severity}`;
    const row = byCategory.get(key) ?? { category: c.category, severity: c.severity, count: 0 };
    row.count++;
    byCategory.set(key, row);
  }
  return {
    school: { id: school.id, name: school.name },
    from,
    to,
    generatedAt: now,
    registers: regs,
    visitors: await visitorRegister(models, school.id, from, to),
    classes,
    training: training.map((t) => ({ name: t.personName, kind: TRAINING_KINDS[t.kind as TrainingKind]?.label ?? t.kind, completedOn: t.completedOn, expiresOn: t.expiresOn ?? null, provider: t.provider })),
    consents: await consents(models, school, to),
    fnmReviews: reviews.map((r) => ({
      reviewedOn: r.reviewedOn,
      participants: r.participants.join('; '),
      met: r.checklist.filter((i) => i.outcome === 'met').length,
      partly: r.checklist.filter((i) => i.outcome === 'partly').length,
      notMet: r.checklist.filter((i) => i.outcome === 'not-met').length,
      actions: r.actions.join('; '),
      recordedBy: r.recordedBy,
    })),
    filterChecks: checks.map((c) => ({ checkedAt: c.checkedAt, tested: c.tested, result: c.result, checkedBy: c.checkedBy, note: c.note ?? '' })),
    ruleChanges: changes.map((c) => ({ at: c.at, who: c.who, why: c.why, what: JSON.stringify(c.what) })),
    incidents: {
      opened: cases?.opened.length ?? 0,
      acknowledged: cases?.acknowledged.length ?? 0,
      closed: cases?.closures.length ?? 0,
      openHighOrCritical: cases?.openHighOrCritical.length ?? 0,
      byCategory: [...byCategory.values()].sort((a, b) => b.count - a.count),
    },
    heads: await schoolHeads(models, school.id, to),
  };
}
