import { noData, ok, type PoliciesData, type Section } from '../types.js';
import { asDate, asLabel, collectionIfPresent, type SourceContext } from './context.js';

/**
 * ASSUMED (agreements capability, src/agreements/version-model.ts): `agreement_versions` {schoolId, policyId,
 * number, title, reviewDue}. A policy's review date is that of its latest version (highest `number`).
 * The title is the school's own policy name (e.g. "Staff acceptable use agreement"), never a file title.
 */
export const POLICY_SOURCE = { versions: 'agreement_versions' } as const;

const DAY = 86_400_000;

/** D2: policies whose latest version is past its review date. */
export async function readPolicies(ctx: SourceContext): Promise<Section<PoliciesData>> {
  const versions = await collectionIfPresent(ctx.connection, POLICY_SOURCE.versions);
  if (!versions) return noData('The policy library is not set up yet.');
  const docs = await versions.find({ schoolId: ctx.school.id }, { projection: { policyId: 1, number: 1, title: 1, reviewDue: 1 } }).toArray();
  if (docs.length === 0) return noData('No policies have been published in Lantern yet.');
  const latest = new Map<string, Record<string, unknown>>();
  for (const d of docs) {
    const id = asLabel(d.policyId, String(d._id));
    const seen = latest.get(id);
    if (!seen || Number(d.number) > Number(seen.number)) latest.set(id, d);
  }
  const overdue = [...latest.values()]
    .map((d) => ({ title: asLabel(d.title, 'Untitled policy'), due: asDate(d.reviewDue) }))
    .filter((p): p is { title: string; due: Date } => p.due !== null && p.due < ctx.now)
    .sort((a, b) => a.due.getTime() - b.due.getTime())
    .map((p) => ({ title: p.title, reviewDue: p.due.toISOString(), daysOverdue: Math.floor((ctx.now.getTime() - p.due.getTime()) / DAY) }));
  return ok({ total: latest.size, overdue });
}
