import { noData, ok, type Counts, type IncidentsData, type Section, type TrendPoint } from '../types.js';
import { asDate, asLabel, bump, collectionIfPresent, median, type SourceContext } from './context.js';

/**
 * ASSUMED (cases capability, src/cases/case-model.ts and timeline-model.ts): collection `cases` with
 * schoolId, caseId, openedAt, status (new|acknowledged|investigating|escalated|closed), severity, category,
 * acknowledgedAt; collection `case_timeline` with schoolId, caseId, action ('closed'), at.
 * Only these fields are read: never summary, subjects, reporter or assignee.
 */
export const INCIDENT_SOURCE = {
  cases: 'cases',
  timeline: 'case_timeline',
  closedAction: 'closed',
  openHighSeverities: ['high', 'critical'],
  closedStatus: 'closed',
} as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface CaseRow {
  caseId: string;
  openedAt: Date;
  status: string;
  severity: string;
  category: string;
  acknowledgedAt: Date | null;
}

function toRow(doc: Record<string, unknown>): CaseRow | undefined {
  const openedAt = asDate(doc.openedAt) ?? asDate(doc.createdAt);
  if (!openedAt) return undefined;
  return {
    caseId: asLabel(doc.caseId, String(doc._id)),
    openedAt,
    status: asLabel(doc.status),
    severity: asLabel(doc.severity),
    category: asLabel(doc.category),
    acknowledgedAt: asDate(doc.acknowledgedAt),
  };
}

/** Reads the week's incidents, the 12-week trend and response times; "no data yet" when there are no cases at all. */
export async function readIncidents(ctx: SourceContext): Promise<Section<IncidentsData>> {
  const cases = await collectionIfPresent(ctx.connection, INCIDENT_SOURCE.cases);
  if (!cases) return noData('Case records are not set up yet, so there are no incidents to report.');
  const schoolId = ctx.school.id;
  const first = ctx.trendWeeks[0] ?? ctx.week;
  const everHad = await cases.countDocuments({ schoolId }, { limit: 1 });
  if (everHad === 0) return noData('No incidents have been recorded yet.');

  const fields = { caseId: 1, openedAt: 1, createdAt: 1, status: 1, severity: 1, category: 1, acknowledgedAt: 1 };
  const recent = (await cases.find({ schoolId, openedAt: { $gte: first.start, $lt: ctx.week.end } }, { projection: fields }).toArray())
    .map((d) => toRow(d as Record<string, unknown>))
    .filter((r): r is CaseRow => r !== undefined);
  const inWeek = (at: Date, from: Date, to: Date) => at >= from && at < to;

  const byCategory: Counts = {};
  const bySeverity: Counts = {};
  const byStatus: Counts = {};
  let total = 0;
  for (const c of recent) {
    if (!inWeek(c.openedAt, ctx.week.start, ctx.week.end)) continue;
    total++;
    bump(byCategory, c.category);
    bump(bySeverity, c.severity);
    bump(byStatus, c.status);
  }
  const trend: TrendPoint[] = ctx.trendWeeks.map((w) => {
    const these = recent.filter((c) => inWeek(c.openedAt, w.start, w.end));
    return { weekId: w.id, label: w.label.replace(/ \d{4}$/, ''), total: these.length, highOrCritical: these.filter((c) => c.severity === 'high' || c.severity === 'critical').length };
  });

  // Acknowledgements and closures are counted in the week they happened, whenever the case was opened.
  const ackedDocs = await cases.find({ schoolId, acknowledgedAt: { $gte: first.start, $lt: ctx.week.end } }, { projection: fields }).toArray();
  const acked = ackedDocs.map((d) => toRow(d as Record<string, unknown>)).filter((r): r is CaseRow => r?.acknowledgedAt != null);
  const ackHours = (from: Date) => acked.filter((c) => (c.acknowledgedAt as Date) >= from).map((c) => ((c.acknowledgedAt as Date).getTime() - c.openedAt.getTime()) / HOUR);

  const closeHours = await readCloseHours(ctx, first.start);
  const openDocs = await cases
    .find({ schoolId, status: { $ne: INCIDENT_SOURCE.closedStatus }, severity: { $in: [...INCIDENT_SOURCE.openHighSeverities] } }, { projection: fields })
    .toArray();
  const openHighCritical = openDocs
    .map((d) => toRow(d as Record<string, unknown>))
    .filter((r): r is CaseRow => r !== undefined && r.openedAt < ctx.week.end)
    .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime())
    .map((c) => ({ severity: c.severity, category: c.category, status: c.status, ageDays: Math.floor((ctx.now.getTime() - c.openedAt.getTime()) / DAY) }));

  return ok({
    total,
    byCategory,
    bySeverity,
    byStatus,
    trend,
    medianHoursToAcknowledge: median(ackHours(ctx.week.start)),
    medianHoursToClose: median(closeHours.filter((c) => c.at >= ctx.week.start).map((c) => c.hours)),
    medianHoursToAcknowledge12: median(ackHours(first.start)),
    medianHoursToClose12: median(closeHours.map((c) => c.hours)),
    openHighCritical,
  });
}

/** Hours from opening to closing for each closure in the window (the last closure of a reopened case counts). */
async function readCloseHours(ctx: SourceContext, from: Date): Promise<{ at: Date; hours: number }[]> {
  const timeline = await collectionIfPresent(ctx.connection, INCIDENT_SOURCE.timeline);
  const cases = await collectionIfPresent(ctx.connection, INCIDENT_SOURCE.cases);
  if (!timeline || !cases) return [];
  const closures = await timeline
    .find({ schoolId: ctx.school.id, action: INCIDENT_SOURCE.closedAction, at: { $gte: from, $lt: ctx.week.end } }, { projection: { caseId: 1, at: 1 } })
    .toArray();
  const ids = [...new Set(closures.map((c) => String(c.caseId)))];
  if (ids.length === 0) return [];
  const opened = new Map<string, Date>();
  for (const doc of await cases.find({ schoolId: ctx.school.id, caseId: { $in: ids } }, { projection: { caseId: 1, openedAt: 1 } }).toArray()) {
    const at = asDate(doc.openedAt);
    if (at) opened.set(String(doc.caseId), at);
  }
  const out: { at: Date; hours: number }[] = [];
  for (const c of closures) {
    const at = asDate(c.at);
    const openedAt = opened.get(String(c.caseId));
    if (at && openedAt) out.push({ at, hours: (at.getTime() - openedAt.getTime()) / HOUR });
  }
  return out;
}
