import type { CasesWindow } from '../../cases/weekly.js';
import { noData, ok, type Counts, type IncidentsData, type Section, type TrendPoint } from '../types.js';
import { bump, median, type SourceContext } from './context.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The window the incidents section reads: the 12 trend weeks, ending with the reported week. */
export function incidentWindow(ctx: SourceContext): { start: Date; end: Date } {
  return { start: (ctx.trendWeeks[0] ?? ctx.week).start, end: ctx.week.end };
}

/** The week's incidents, the 12-week trend and response times; "no data yet" when there are no cases at all. */
export function incidentsSection(ctx: SourceContext, cases: CasesWindow | undefined): Section<IncidentsData> {
  if (!cases) return noData('Case records are not set up yet, so there are no incidents to report.');
  if (!cases.everOpened) return noData('No incidents have been recorded yet.');
  const first = incidentWindow(ctx);
  const recent = cases.opened;
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
  const acked = cases.acknowledged.filter((c) => c.acknowledgedAt !== null);
  const ackHours = (from: Date) => acked.filter((c) => (c.acknowledgedAt as Date) >= from).map((c) => ((c.acknowledgedAt as Date).getTime() - c.openedAt.getTime()) / HOUR);
  const closeHours = cases.closures.map((c) => ({ at: c.at, hours: (c.at.getTime() - c.openedAt.getTime()) / HOUR }));
  const openHighCritical = cases.openHighOrCritical
    .filter((c) => c.openedAt < ctx.week.end)
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
