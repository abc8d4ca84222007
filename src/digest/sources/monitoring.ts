import type { School } from '../../config/load.js';
import type { MonitoringWeek } from '../../monitoring/weekly.js';
import { noData, ok, type ConnectorHealth, type Counts, type MonitoringData, type Section } from '../types.js';
import { bump } from './context.js';

/** How the digest names sources, and when a connector counts as late. */
export const MONITORING_SECTION = {
  sourceLabels: { google: 'Google Workspace', microsoft: 'Microsoft 365' } as Record<string, string>,
  /** A good scan older than this is late (red). */
  lateAfterHours: 24,
} as const;

const HOUR = 3_600_000;

/**
 * D2: each connector's last good scan and lag, and the week's detections. A tenant configured for the school
 * with no polled stream at all has never run and is shown as a red line.
 */
export function monitoringSection(school: School, now: Date, week: MonitoringWeek): Section<MonitoringData> {
  const configured = [...(school.google ? ['google'] : []), ...(school.microsoft ? ['microsoft'] : [])];
  const label = (source: string) => MONITORING_SECTION.sourceLabels[source] ?? source;
  const last = new Map<string, Date | null>();
  for (const s of week.streams) last.set(`${label(s.source)}: ${s.stream}`, s.lastGoodRunAt);
  const seenSources = new Set(week.streams.map((s) => s.source));
  for (const source of configured) if (!seenSources.has(source)) last.set(`${label(source)}: all audit logs`, null);
  if (last.size === 0) return noData('No Google Workspace or Microsoft 365 tenant is connected yet, so nothing is being monitored.');
  const connectors: ConnectorHealth[] = [...last.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([connector, at]) => {
      if (!at) return { connector, lastGoodScan: null, lagHours: null, state: 'never-run' as const };
      const lagHours = Math.max(0, (now.getTime() - at.getTime()) / HOUR);
      return { connector, lastGoodScan: at.toISOString(), lagHours, state: lagHours > MONITORING_SECTION.lateAfterHours ? ('late' as const) : ('ok' as const) };
    });

  let detections: MonitoringData['detections'] = null;
  if (week.detectionFamilies) {
    const byFamily: Counts = {};
    for (const family of week.detectionFamilies) bump(byFamily, family);
    detections = { total: week.detectionFamilies.length, byFamily };
  }
  return ok({ connectors, detections });
}
