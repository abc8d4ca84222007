import type { Models } from '../../stores.js';
import type { Source } from '../types.js';

/** One connector stream's health, for `lantern monitor status` and the governors' digest (D2). */
export interface ConnectorStatus {
  schoolId: string;
  source: Source;
  /** e.g. "google:drive", "microsoft:Audit.Exchange", "microsoft:graph.signIns". */
  stream: string;
  /** When a poll last finished without error (null: never). */
  lastGoodRunAt: Date | null;
  /** Everything before this time has been read and its detections stored. */
  cursor: Date | null;
  /** How far behind now the cursor is, in ms (null before the first good window). */
  lagMs: number | null;
  lastRunAt: Date | null;
  /** The last error, when it came after the last good run. */
  lastError: { code: string; message: string; at: Date } | null;
  /** Records and detections of the last good run. */
  lastRecords: number;
  lastDetections: number;
}

/** Each connector stream of a school with its last good run, lag and last error, sorted by stream. */
export async function connectorStatus(models: Pick<Models, 'monitorCheckpoints'>, schoolId: string, now: Date = new Date()): Promise<ConnectorStatus[]> {
  const docs = await models.monitorCheckpoints.find({ schoolId }).sort({ stream: 1 }).lean();
  return docs.map((d) => {
    const errorIsCurrent = d.lastErrorAt && (!d.lastGoodRunAt || d.lastErrorAt >= d.lastGoodRunAt);
    return {
      schoolId,
      source: d.source as Source,
      stream: d.stream,
      lastGoodRunAt: d.lastGoodRunAt ?? null,
      cursor: d.cursor ?? null,
      lagMs: d.cursor ? Math.max(0, now.getTime() - d.cursor.getTime()) : null,
      lastRunAt: d.lastRunAt ?? null,
      lastError: errorIsCurrent && d.lastErrorAt ? { code: d.lastErrorCode ?? 'unexpected', message: d.lastError ?? '', at: d.lastErrorAt } : null,
      lastRecords: d.lastRecords ?? 0,
      lastDetections: d.lastDetections ?? 0,
    };
  });
}
