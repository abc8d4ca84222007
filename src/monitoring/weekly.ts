import { collectionExists } from '../db/collections.js';
import type { Models } from '../stores.js';
import type { ChangeWhat } from './changes.js';

/** The monitoring collections the weekly read uses. */
export type MonitoringWeekStores = Pick<Models, 'monitorCheckpoints' | 'detections' | 'monitoringChanges'>;

/** Where one audit stream has got to. */
export interface StreamHealth {
  source: string;
  stream: string;
  /** The end of the stream's last good poll; null when it has never completed one. */
  lastGoodRunAt: Date | null;
}

/** One rule or allowlist change, without who made it or why (those can name people). */
export interface WeeklyChange {
  at: Date;
  what: ChangeWhat;
}

/** What monitoring did for one school in one week, for the governors' digest. */
export interface MonitoringWeek {
  /** Every audit stream polled for the school so far. */
  streams: StreamHealth[];
  /** The family of each detection made in the week; null when monitoring has never stored a detection. */
  detectionFamilies: string[] | null;
  /** The week's rule and allowlist changes, oldest first; null when no change has ever been logged. */
  changes: WeeklyChange[] | null;
}

/** Reads one school's connector health, the week's detections and the week's rule and allowlist changes. */
export async function monitoringWeek(stores: MonitoringWeekStores, schoolId: string, week: { start: Date; end: Date }): Promise<MonitoringWeek> {
  const inWeek = { $gte: week.start, $lt: week.end };
  const [checkpoints, detectionsStored, changesStored] = await Promise.all([
    stores.monitorCheckpoints.find({ schoolId }, { source: 1, stream: 1, lastGoodRunAt: 1 }).lean(),
    collectionExists(stores.detections),
    collectionExists(stores.monitoringChanges),
  ]);
  const detections = detectionsStored ? await stores.detections.find({ schoolId, createdAt: inWeek }, { family: 1 }).lean() : null;
  const changes = changesStored ? await stores.monitoringChanges.find({ schoolId, at: inWeek }, { at: 1, what: 1 }).lean() : null;
  return {
    streams: checkpoints.map((c) => ({ source: c.source, stream: c.stream, lastGoodRunAt: c.lastGoodRunAt ?? null })),
    detectionFamilies: detections?.map((d) => d.family) ?? null,
    changes:
      changes
        ?.filter((c) => c.at instanceof Date && c.what)
        .map((c) => ({ at: c.at, what: c.what as ChangeWhat }))
        .sort((a, b) => a.at.getTime() - b.at.getTime()) ?? null,
  };
}
