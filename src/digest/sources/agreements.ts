import { noData, ok, type CompletionRow, type Section } from '../types.js';
import { asLabel, collectionIfPresent, type SourceContext } from './context.js';

/**
 * ASSUMED (agreements capability, src/agreements/*-model.ts): `agreement_campaigns` {_id, schoolId, versionId,
 * status 'open'|'closed'}; `agreement_versions` {_id, kind 'agreement'|'consent'|'questionnaire'};
 * `agreement_sends` {campaignId, personId} — who was asked; `agreement_signatures` {schoolId, versionId,
 * signerId, onBehalfOfId, outcome} — any outcome except those in `notDone` completes; `agreement_audit_answers`
 * {schoolId, versionId, personId} — a submitted training self-audit; `people` {schoolId, personId, role,
 * yearGroup} for the audience rows. Completion covers open campaigns.
 */
export const AGREEMENT_SOURCE = {
  campaigns: 'agreement_campaigns',
  versions: 'agreement_versions',
  sends: 'agreement_sends',
  signatures: 'agreement_signatures',
  auditAnswers: 'agreement_audit_answers',
  people: 'people',
  trainingKind: 'questionnaire',
  notDone: ['declined', 'withdrawn', 'question'],
} as const;

type Kind = 'agreements' | 'training';

interface Campaign {
  id: string;
  versionId: string;
  kind: Kind;
}

async function openCampaigns(ctx: SourceContext): Promise<Campaign[] | undefined> {
  const campaigns = await collectionIfPresent(ctx.connection, AGREEMENT_SOURCE.campaigns);
  const versions = await collectionIfPresent(ctx.connection, AGREEMENT_SOURCE.versions);
  if (!campaigns || !versions) return undefined;
  const open = await campaigns.find({ schoolId: ctx.school.id, status: { $ne: 'closed' } }, { projection: { _id: 1, versionId: 1 } }).toArray();
  const versionIds = [...new Set(open.map((c) => String(c.versionId)))];
  const kinds = new Map<string, string>();
  for (const v of await versions.find({ _id: { $in: versionIds as never[] } }, { projection: { _id: 1, kind: 1 } }).toArray()) kinds.set(String(v._id), asLabel(v.kind));
  return open.map((c) => ({ id: String(c._id), versionId: String(c.versionId), kind: kinds.get(String(c.versionId)) === AGREEMENT_SOURCE.trainingKind ? 'training' : 'agreements' }));
}

/** The audience row a person belongs to; pupils by year group. */
function audienceOf(role: string, yearGroup: string | undefined): { audience: string; aboutChildren: boolean; order: number } {
  switch (role) {
    case 'staff':
      return { audience: 'Staff', aboutChildren: false, order: 0 };
    case 'governor':
      return { audience: 'Governors', aboutChildren: false, order: 1 };
    case 'volunteer':
    case 'visitor':
      return { audience: 'Volunteers and visitors', aboutChildren: false, order: 2 };
    case 'parent':
      return { audience: 'Parents and carers', aboutChildren: true, order: 40 };
    case 'pupil': {
      const year = yearGroup === 'R' ? 'Reception' : yearGroup === 'N' ? 'Nursery' : yearGroup ? `Year ${yearGroup}` : 'year not known';
      const n = yearGroup === 'N' ? -2 : yearGroup === 'R' ? -1 : Number(yearGroup ?? 99);
      return { audience: `Pupils — ${year}`, aboutChildren: true, order: 10 + n };
    }
    default:
      return { audience: 'Others', aboutChildren: false, order: 50 };
  }
}

async function completion(ctx: SourceContext, campaigns: Campaign[], kind: Kind): Promise<CompletionRow[]> {
  const sends = await collectionIfPresent(ctx.connection, AGREEMENT_SOURCE.sends);
  const people = await collectionIfPresent(ctx.connection, AGREEMENT_SOURCE.people);
  const doneColl = await collectionIfPresent(ctx.connection, kind === 'training' ? AGREEMENT_SOURCE.auditAnswers : AGREEMENT_SOURCE.signatures);
  if (!sends || !people) return [];
  // Who must complete what: one (person, version) pair per person asked, however many reminder rounds.
  const required = new Set<string>();
  const personIds = new Set<string>();
  for (const c of campaigns.filter((x) => x.kind === kind)) {
    for (const s of await sends.find({ campaignId: c.id }, { projection: { personId: 1 } }).toArray()) {
      required.add(`${String(s.personId)}|${c.versionId}`);
      personIds.add(String(s.personId));
    }
  }
  const done = new Set<string>();
  if (doneColl && required.size > 0) {
    const versionIds = [...new Set(campaigns.filter((x) => x.kind === kind).map((c) => c.versionId))];
    const docs = await doneColl.find({ schoolId: ctx.school.id, versionId: { $in: versionIds } }).toArray();
    for (const d of docs) {
      if (kind === 'agreements' && (AGREEMENT_SOURCE.notDone as readonly string[]).includes(asLabel(d.outcome, ''))) continue;
      for (const who of kind === 'training' ? [d.personId] : [d.signerId, d.onBehalfOfId]) {
        if (typeof who === 'string') done.add(`${who}|${String(d.versionId)}`);
      }
    }
  }
  const roles = new Map<string, { role: string; yearGroup: string | undefined }>();
  for (const p of await people.find({ schoolId: ctx.school.id, personId: { $in: [...personIds] } }, { projection: { personId: 1, role: 1, yearGroup: 1 } }).toArray()) {
    roles.set(String(p.personId), { role: asLabel(p.role), yearGroup: typeof p.yearGroup === 'string' ? p.yearGroup : undefined });
  }
  const rows = new Map<string, CompletionRow & { order: number }>();
  for (const key of required) {
    const personId = key.split('|')[0] as string;
    const who = roles.get(personId) ?? { role: 'unknown', yearGroup: undefined };
    const a = audienceOf(who.role, who.yearGroup);
    const row = rows.get(a.audience) ?? { audience: a.audience, aboutChildren: a.aboutChildren, required: 0, done: 0, order: a.order };
    row.required++;
    if (done.has(key)) row.done++;
    rows.set(a.audience, row);
  }
  return [...rows.values()].sort((x, y) => x.order - y.order).map(({ order: _order, ...row }) => row);
}

/** D2: agreement completion by audience over open campaigns. */
export async function readAgreements(ctx: SourceContext): Promise<Section<{ rows: CompletionRow[] }>> {
  const campaigns = await openCampaigns(ctx);
  if (!campaigns) return noData('Agreements are not set up yet.');
  const rows = await completion(ctx, campaigns, 'agreements');
  return rows.length ? ok({ rows }) : noData('No agreements are out for signature at the moment.');
}

/** D2: training self-audit completion over open campaigns. */
export async function readTraining(ctx: SourceContext): Promise<Section<{ rows: CompletionRow[] }>> {
  const campaigns = await openCampaigns(ctx);
  if (!campaigns) return noData('The training self-audit is not set up yet.');
  const rows = await completion(ctx, campaigns, 'training');
  return rows.length ? ok({ rows }) : noData('No training self-audit is open at the moment.');
}
