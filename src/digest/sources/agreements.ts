import type { AgreementCampaign } from '../../agreements/campaign-model.js';
import { standingsFrom, type PolicyStanding } from '../../agreements/compliance.js';
import type { AgreementSignature } from '../../agreements/signature-model.js';
import type { AgreementVersion } from '../../agreements/version-model.js';
import type { Person } from '../../directory/person.js';
import { noData, ok, type CompletionRow, type Section } from '../types.js';
import { asLabel, collectionIfPresent, type SourceContext } from './context.js';

/**
 * Reads the agreements capability's collections (src/agreements/*-model.ts) with the raw driver, and counts
 * with its own rules (src/agreements/compliance.ts `standingsFrom`), so the digest's figures are the ones
 * `lantern agreements status` shows: distinct people in the audience of each open campaign, a person done
 * when their latest record completes the version (withdrawn, absent and declined do not; a questionnaire
 * only by answering), in this academic year for a yearly policy.
 */
export const AGREEMENT_SOURCE = {
  campaigns: 'agreement_campaigns',
  versions: 'agreement_versions',
  signatures: 'agreement_signatures',
  people: 'people',
  trainingKind: 'questionnaire',
} as const;

type Kind = 'agreements' | 'training';

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

/** The open campaigns of one kind, with what they are counted from; undefined when agreements are not set up. */
async function standings(ctx: SourceContext, kind: Kind): Promise<PolicyStanding[] | undefined> {
  const [campaigns, versions, signatures, people] = await Promise.all(
    [AGREEMENT_SOURCE.campaigns, AGREEMENT_SOURCE.versions, AGREEMENT_SOURCE.signatures, AGREEMENT_SOURCE.people].map((name) => collectionIfPresent(ctx.connection, name)),
  );
  if (!campaigns || !versions) return undefined;
  const schoolId = ctx.school.id;
  const [open, allVersions, records, active] = await Promise.all([
    campaigns.find({ schoolId, status: 'open' }).toArray(),
    versions.find({ schoolId }).toArray(),
    signatures ? signatures.find({ schoolId }).toArray() : [],
    people ? people.find({ schoolId, active: true }).toArray() : [],
  ]);
  const versionList = allVersions as unknown as AgreementVersion[];
  const kindOf = new Map(versionList.map((v) => [v._id, asLabel(v.kind) === AGREEMENT_SOURCE.trainingKind ? 'training' : 'agreements']));
  return standingsFrom(
    {
      campaigns: (open as unknown as AgreementCampaign[]).filter((c) => kindOf.get(c.versionId) === kind),
      people: active as unknown as Person[],
      versions: versionList,
      signatures: records as unknown as AgreementSignature[],
      firsts: [],
    },
    ctx.now,
  );
}

/**
 * Completion by audience row: each person counted once, however many open campaigns ask them, and done when
 * they have completed every one of them.
 */
export function completionRows(policies: readonly PolicyStanding[]): CompletionRow[] {
  const people = new Map<string, { role: string; yearGroup: string | undefined; done: boolean }>();
  for (const { people: members, done } of policies) {
    for (const p of members) {
      const seen = people.get(p.personId);
      people.set(p.personId, { role: p.role, yearGroup: p.yearGroup ?? undefined, done: (seen?.done ?? true) && done.has(p.personId) });
    }
  }
  const rows = new Map<string, CompletionRow & { order: number }>();
  for (const who of people.values()) {
    const a = audienceOf(who.role, who.yearGroup);
    const row = rows.get(a.audience) ?? { audience: a.audience, aboutChildren: a.aboutChildren, required: 0, done: 0, order: a.order };
    row.required++;
    if (who.done) row.done++;
    rows.set(a.audience, row);
  }
  return [...rows.values()].sort((x, y) => x.order - y.order).map(({ order: _order, ...row }) => row);
}

/** D2: agreement completion by audience over open campaigns. */
export async function readAgreements(ctx: SourceContext): Promise<Section<{ rows: CompletionRow[] }>> {
  const policies = await standings(ctx, 'agreements');
  if (!policies) return noData('Agreements are not set up yet.');
  const rows = completionRows(policies);
  return rows.length ? ok({ rows }) : noData('No agreements are out for signature at the moment.');
}

/** D2: training self-audit completion over open campaigns. */
export async function readTraining(ctx: SourceContext): Promise<Section<{ rows: CompletionRow[] }>> {
  const policies = await standings(ctx, 'training');
  if (!policies) return noData('The training self-audit is not set up yet.');
  const rows = completionRows(policies);
  return rows.length ? ok({ rows }) : noData('No training self-audit is open at the moment.');
}
