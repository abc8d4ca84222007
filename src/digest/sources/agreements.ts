import type { PolicyStanding } from '../../agreements/compliance.js';
import { calendarOf } from '../../agreements/academic-year.js';
import { COUNTERSIGNED_YEARS } from '../../agreements/signing.js';
import { openStandings } from '../../agreements/weekly.js';
import { noData, ok, type CompletionRow, type Section } from '../types.js';
import type { SourceContext } from './context.js';

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

/**
 * For KS2 pupils asked to sign, how many of their parents have countersigned: a row per year group, counted
 * apart from the pupils' own rows so a countersignature never shows as the pupil's signature.
 */
export function countersignRows(policies: readonly PolicyStanding[]): CompletionRow[] {
  const pupils = new Map<string, { yearGroup: string; done: boolean }>();
  for (const { people: members, countersigned } of policies) {
    for (const p of members) {
      if (p.role !== 'pupil' || !p.yearGroup || !COUNTERSIGNED_YEARS.includes(p.yearGroup)) continue;
      const seen = pupils.get(p.personId);
      pupils.set(p.personId, { yearGroup: p.yearGroup, done: (seen?.done ?? true) && countersigned.has(p.personId) });
    }
  }
  const rows = new Map<string, CompletionRow & { order: number }>();
  for (const who of pupils.values()) {
    const audience = `Parents of Year ${who.yearGroup}`;
    const row = rows.get(audience) ?? { audience, aboutChildren: true, required: 0, done: 0, order: 30 + Number(who.yearGroup) };
    row.required++;
    if (who.done) row.done++;
    rows.set(audience, row);
  }
  return [...rows.values()].sort((x, y) => x.order - y.order).map(({ order: _order, ...row }) => row);
}

/** D2: agreement completion by audience over open campaigns. */
export async function readAgreements(ctx: SourceContext): Promise<Section<{ rows: CompletionRow[] }>> {
  const policies = await openStandings(ctx.models, ctx.school.id, 'agreements', ctx.now, calendarOf(ctx.school));
  if (!policies) return noData('Agreements are not set up yet.');
  const rows = completionRows(policies);
  return rows.length ? ok({ rows, countersigned: countersignRows(policies) }) : noData('No agreements are out for signature at the moment.');
}

/** D2: training self-audit completion over open campaigns. */
export async function readTraining(ctx: SourceContext): Promise<Section<{ rows: CompletionRow[] }>> {
  const policies = await openStandings(ctx.models, ctx.school.id, 'training', ctx.now, calendarOf(ctx.school));
  if (!policies) return noData('The training self-audit is not set up yet.');
  const rows = completionRows(policies);
  return rows.length ? ok({ rows }) : noData('No training self-audit is open at the moment.');
}
