import type { LanternConfig } from '../config/load.js';
import type { Models } from '../stores.js';
import type { Logger } from '../log/logger.js';
import type { JobDeps, JobSchedule } from '../jobs/index.js';
import { countersFromStored, countersToStored } from './connectors/counter-store.js';
import { sourceConnector, configuredSources, type AuditClientFactories } from './connectors/school-connectors.js';
import { acquireStreamLock } from './connectors/stream-lock.js';
import { ALL_RULES } from './rules/index.js';
import { effectiveRule, type RuleSettings } from './settings.js';
import { loadSettingsLog } from './settings-store.js';
import { appendChange, suppressionOf } from './store.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Used when a school's streams cannot be built: Google keeps Reports API activity for 180 days, the longest of any source. */
export const DEFAULT_REACH_MS = 180 * DAY;
/** Longest fold window a rule may have (settings.ts): every event of a folded detection stays countable. */
const MAX_FOLD_MS = 30 * DAY;
/** Longest threshold window a rule may have (settings.ts). */
const MAX_THRESHOLD_WINDOW_MS = 7 * DAY;
/** Slack for clocks, late publishing beyond the documented lag, and a poll that ran late. */
const MARGIN_MS = DAY;

/** When the daily clean-up runs (after the 03:30 job clean-up, before the school day). */
export const MONITOR_CLEANUP_CRON = '45 3 * * *';

/** What one clean-up removed. */
export interface MonitorCleanupResult {
  detectionKeys: number;
  counters: number;
  /** Checkpoints whose counters were left for tomorrow because a poll held the stream. */
  busyStreams: number;
  suppressions: number;
}

/**
 * How far back any poll of a school can re-read records: the longest of its streams' vendor retention (a
 * backfill starts no earlier) and overlap. Detection keys for events older than this (plus the longest fold
 * window, so a folded detection never loses part of its count, plus a margin) can never be needed again.
 */
export function detectionKeyRetentionMs(clients: AuditClientFactories, config: LanternConfig, schoolId: string): number {
  let reach = 0;
  try {
    for (const source of configuredSources(config, schoolId)) {
      for (const s of sourceConnector(clients, config, schoolId, source)?.streams ?? []) reach = Math.max(reach, s.retentionMs, s.overlapMs);
    }
  } catch {
    reach = 0; // credentials unreadable today: fall back to the longest reach any source has
  }
  return (reach || DEFAULT_REACH_MS) + MAX_FOLD_MS + MARGIN_MS;
}

type Collection = 'detectionEvents' | 'suppressions';

/** Deletes the matching documents `batchSize` at a time, by `_id` (FerretDB-friendly, and bounded in memory). */
async function deleteInBatches(models: Models, collection: Collection, filter: Record<string, unknown>, batchSize: number): Promise<number> {
  const model = models[collection] as unknown as Models['detectionEvents'];
  let removed = 0;
  for (;;) {
    const batch = await model.find(filter, { _id: 1 }).limit(batchSize).lean();
    if (batch.length === 0) return removed;
    const result = await model.deleteMany({ _id: { $in: batch.map((d) => d._id) } });
    removed += result.deletedCount;
    if (batch.length < batchSize) return removed;
  }
}

/** Deletes a school's idempotency keys whose events are older than the school's retention. */
async function cleanDetectionKeys(deps: MonitorCleanupDeps, schoolId: string, now: number, batchSize: number): Promise<number> {
  const cutoff = new Date(now - detectionKeyRetentionMs(deps.clients, deps.config, schoolId));
  // Keys without an event time fall back to when they were stored (older than the event, so still safe).
  const byEvent = await deleteInBatches(deps.models, 'detectionEvents', { schoolId, last: { $lt: cutoff } }, batchSize);
  const byStored = await deleteInBatches(deps.models, 'detectionEvents', { schoolId, last: null, createdAt: { $lt: cutoff } }, batchSize);
  return byEvent + byStored;
}

/**
 * Drops counter entries whose newest event is older than the rule's window (as the school set it) plus a
 * margin: no event that can still arrive can fall inside that window. The poll rewrites the counters after
 * every window, so this holds the stream's lock; a stream being polled is left for tomorrow.
 */
async function cleanCounters(deps: MonitorCleanupDeps, schoolId: string, rules: RuleSettings, now: number): Promise<{ removed: number; busy: number }> {
  const windows = new Map(ALL_RULES.map((r) => [r.id, effectiveRule(r, rules).threshold?.windowMs ?? MAX_THRESHOLD_WINDOW_MS]));
  let removed = 0;
  let busy = 0;
  const checkpoints = await deps.models.monitorCheckpoints.find({ schoolId, 'counters.0': { $exists: true } }, { _id: 1 }).lean();
  for (const { _id: id } of checkpoints) {
    const lock = await acquireStreamLock(deps.models.monitorStreamLocks, id, deps.clock);
    if (!lock) {
      busy++;
      continue;
    }
    try {
      const doc = await deps.models.monitorCheckpoints.findById(id).lean();
      const counters = countersFromStored(doc?.counters) ?? {};
      let dropped = 0;
      for (const [key, pairs] of Object.entries(counters)) {
        const ruleId = key.slice(0, key.indexOf('|'));
        const newest = Math.max(...pairs.map((p) => p[0]).filter(Number.isFinite));
        if (!(newest >= now - (windows.get(ruleId) ?? MAX_THRESHOLD_WINDOW_MS) - MARGIN_MS)) {
          delete counters[key];
          dropped++;
        }
      }
      if (dropped > 0) await deps.models.monitorCheckpoints.updateOne({ _id: id }, { $set: { counters: countersToStored(counters) } });
      removed += dropped;
    } finally {
      await lock.release().catch(() => undefined);
    }
  }
  return { removed, busy };
}

/**
 * Deletes expired and removed suppressions from the working collection. Their history stays in the change
 * log: a suppression that never went through the log (stored directly) gets a log entry first, with its
 * full details, so governors can still see who agreed it and why.
 */
async function cleanSuppressions(deps: MonitorCleanupDeps, schoolId: string, now: Date, batchSize: number): Promise<number> {
  const folded = await loadSettingsLog(deps.models, schoolId);
  const filter = { schoolId, $or: [{ expiresAt: { $lt: now } }, { removedAt: { $exists: true } }] };
  const unlogged = await deps.models.suppressions.find({ ...filter, suppressionId: { $nin: [...folded.loggedSuppressionIds] } }).lean();
  for (const s of unlogged) {
    const suppression = suppressionOf(s);
    const why = s.removedAt ? 'removed; kept here by the daily clean-up' : `expired ${s.expiresAt.toISOString().slice(0, 10)}; kept here by the daily clean-up`;
    await appendChange(deps.models.monitoringChanges, deps.models.integrity, schoolId, { at: now.toISOString(), who: 'Lantern clean-up', why, what: { type: 'suppression.remove', suppression } });
  }
  return deleteInBatches(deps.models, 'suppressions', filter, batchSize);
}

/** What the clean-up needs. */
export interface MonitorCleanupDeps {
  config: LanternConfig;
  models: Models;
  logger: Logger;
  clock: () => Date;
  /** The connectors' clients: their streams say how far back each log is re-read. */
  clients: AuditClientFactories;
}

/**
 * The daily monitoring clean-up (raw events are never kept; this bounds what is): idempotency keys past
 * every re-read window, expired rolling counters, and expired or removed suppressions. Deletes by `_id` in
 * batches, because TTL indexes are not portable (docs/mongodb-subset.md). Safe to run at any time.
 */
export async function cleanUpMonitoring(deps: MonitorCleanupDeps, batchSize = 500): Promise<MonitorCleanupResult> {
  const now = deps.clock();
  const result: MonitorCleanupResult = { detectionKeys: 0, counters: 0, busyStreams: 0, suppressions: 0 };
  const schoolIds = new Set([...deps.config.schools.map((s) => s.id), ...(await deps.models.detectionEvents.distinct('schoolId')), ...(await deps.models.suppressions.distinct('schoolId'))]);
  for (const schoolId of schoolIds) {
    const { settings } = await loadSettingsLog(deps.models, schoolId);
    result.detectionKeys += await cleanDetectionKeys(deps, schoolId, now.getTime(), batchSize);
    const counters = await cleanCounters(deps, schoolId, settings.rules, now.getTime());
    result.counters += counters.removed;
    result.busyStreams += counters.busy;
    result.suppressions += await cleanSuppressions(deps, schoolId, now, batchSize);
  }
  deps.logger.info({ ...result, schools: schoolIds.size }, 'monitoring clean-up finished');
  return result;
}

/** The clean-up's job handler, spread into the server's job table. */
export function monitorCleanupJobHandlers(deps: JobDeps, clients: AuditClientFactories) {
  return {
    /** Deletes old detection keys, expired counters and expired suppressions (history stays in the change log). */
    'monitor.cleanup': async () => cleanUpMonitoring({ ...deps, clients, logger: deps.logger.child({ job: 'monitor.cleanup' }) }),
  };
}

/** The daily clean-up, once for all schools. */
export function monitorCleanupSchedules(): JobSchedule<ReturnType<typeof monitorCleanupJobHandlers>>[] {
  return [{ name: 'monitor.cleanup', cron: MONITOR_CLEANUP_CRON, timezone: 'Europe/London', jobName: 'monitor.cleanup', data: {} }];
}
