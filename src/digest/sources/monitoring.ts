import { noData, ok, type ConnectorHealth, type Counts, type MonitoringData, type Section } from '../types.js';
import { asDate, asLabel, bump, collectionIfPresent, type SourceContext } from './context.js';

/**
 * ASSUMED (monitoring capability, src/monitoring/connectors/checkpoint-model.ts and models/detection-model.ts):
 * `monitor_checkpoints` {schoolId, source 'google'|'microsoft', stream, lastGoodRunAt}; one document per audit
 * stream. `detections` {schoolId, family, createdAt}. A tenant configured for the school (school.google /
 * school.microsoft) with no checkpoint at all has never run and is shown as a red line.
 */
export const MONITORING_SOURCE = {
  checkpoints: 'monitor_checkpoints',
  detections: 'detections',
  sourceLabels: { google: 'Google Workspace', microsoft: 'Microsoft 365' } as Record<string, string>,
  /** A good scan older than this is late (red). */
  lateAfterHours: 24,
} as const;

const HOUR = 3_600_000;

/** D2: each connector's last good scan and lag, and the week's detections. */
export async function readMonitoring(ctx: SourceContext): Promise<Section<MonitoringData>> {
  const configured = [...(ctx.school.google ? ['google'] : []), ...(ctx.school.microsoft ? ['microsoft'] : [])];
  const checkpoints = await collectionIfPresent(ctx.connection, MONITORING_SOURCE.checkpoints);
  const last = new Map<string, Date | null>();
  const seenSources = new Set<string>();
  if (checkpoints) {
    for (const d of await checkpoints.find({ schoolId: ctx.school.id }, { projection: { source: 1, stream: 1, lastGoodRunAt: 1 } }).toArray()) {
      const source = asLabel(d.source);
      seenSources.add(source);
      last.set(`${MONITORING_SOURCE.sourceLabels[source] ?? source}: ${asLabel(d.stream)}`, asDate(d.lastGoodRunAt));
    }
  }
  for (const source of configured) if (!seenSources.has(source)) last.set(`${MONITORING_SOURCE.sourceLabels[source] ?? source}: all audit logs`, null);
  if (last.size === 0) return noData('No Google Workspace or Microsoft 365 tenant is connected yet, so nothing is being monitored.');
  const connectors: ConnectorHealth[] = [...last.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([connector, at]) => {
      if (!at) return { connector, lastGoodScan: null, lagHours: null, state: 'never-run' as const };
      const lagHours = Math.max(0, (ctx.now.getTime() - at.getTime()) / HOUR);
      return { connector, lastGoodScan: at.toISOString(), lagHours, state: lagHours > MONITORING_SOURCE.lateAfterHours ? ('late' as const) : ('ok' as const) };
    });

  const detections = await collectionIfPresent(ctx.connection, MONITORING_SOURCE.detections);
  let week: MonitoringData['detections'] = null;
  if (detections) {
    const byFamily: Counts = {};
    const docs = await detections.find({ schoolId: ctx.school.id, createdAt: { $gte: ctx.week.start, $lt: ctx.week.end } }, { projection: { family: 1 } }).toArray();
    for (const d of docs) bump(byFamily, asLabel(d.family));
    week = { total: docs.length, byFamily };
  }
  return ok({ connectors, detections: week });
}
