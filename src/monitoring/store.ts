import type { ChangeLogEntry } from './changes.js';
import type { DetectionEventModel, DetectionModel } from './models/detection-model.js';
import type { MonitoringChangeModel } from './models/change-model.js';
import type { IntegrityKey } from '../integrity/key.js';
import { sealedChange } from './change-chain.js';
import type { SuppressionModel } from './models/suppression-model.js';
import { ALL_RULES } from './rules/index.js';
import { effectiveRule, type RuleSettings } from './settings.js';
import type { Suppression } from './suppressions.js';
import { SEVERITIES, type Detection } from './types.js';
import { isDuplicateKey } from '../db/errors.js';

/** A detection under the idempotency key its producer gives it (a connector: `ruleId|eventKey`). */
export interface KeyedDetection {
  readonly key: string;
  readonly detection: Detection;
}

/** What storing one batch did. */
export interface StoreResult {
  /** Newly stored (inserted or folded into a stored detection). */
  stored: number;
  /** Detections written for the first time (the rest of `stored` folded into a detection already written). */
  created: number;
  /** Keys stored before: the same record processed again (overlap re-reads, a replay after a crash). */
  duplicates: number;
}

/** Stores detections idempotently by key; resolves once the batch is durable (checkpoint after it). */
export interface DetectionStore {
  store(schoolId: string, batch: readonly KeyedDetection[]): Promise<StoreResult>;
}

/** A default idempotency key for producers without their own: the rule and the first record involved. */
export function defaultDetectionKey(d: Detection): string {
  return `${d.ruleId}|${d.eventIds[0] ?? d.foldKey}`;
}

function date(ms: number): Date | null {
  return Number.isFinite(ms) ? new Date(ms) : null;
}

/**
 * Detection storage on MongoDB / FerretDB (E3). Per detection: insert its event under a unique `_id` (the
 * once-only decision), then recompute the folded detection from its events and upsert it. Replaying a batch
 * after a crash at any point repeats the recompute and counts nothing twice. Repeats fold per fixed window
 * (`floor(firstSeen / foldWindow)`), so `_id`s are deterministic.
 */
export function createDetectionStore(
  models: { detections: DetectionModel; detectionEvents: DetectionEventModel },
  settings: RuleSettings = {},
): DetectionStore {
  const windows = new Map(ALL_RULES.map((r) => [r.id, effectiveRule(r, settings).foldWindowMs]));
  return {
    async store(schoolId, batch) {
      let stored = 0;
      let duplicates = 0;
      let created = 0;
      for (const { key, detection: d } of batch) {
        const window = windows.get(d.ruleId) || 60_000;
        const bucket = Math.floor((Number.isFinite(d.firstSeen) ? d.firstSeen : 0) / window);
        const detectionId = `${schoolId}|${d.foldKey}|${bucket}`;
        try {
          await models.detectionEvents.create({
            _id: `${schoolId}|${key}`,
            schoolId,
            detectionId,
            count: d.count,
            eventIds: d.eventIds.slice(0, 100),
            at: date(d.firstSeen),
            last: date(d.lastSeen),
          });
          stored++;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          duplicates++;
        }
        if (await refreshDetection(models, schoolId, detectionId, bucket, d)) created++;
      }
      return { stored, created, duplicates };
    },
  };
}

/** Recomputes one folded detection from its events; true when this call wrote it for the first time. */
async function refreshDetection(
  models: { detections: DetectionModel; detectionEvents: DetectionEventModel },
  schoolId: string,
  detectionId: string,
  bucket: number,
  d: Detection,
): Promise<boolean> {
  // $sum only: FerretDB v1 has no $min / $max accumulators (docs/mongodb-subset.md); first and last come from sorted reads.
  const [totals] = await models.detectionEvents.aggregate<{ count: number }>([{ $match: { detectionId } }, { $group: { _id: null, count: { $sum: '$count' } } }]);
  const events = await models.detectionEvents.find({ detectionId }).sort({ at: 1, _id: 1 }).limit(100).lean();
  const newest = await models.detectionEvents.findOne({ detectionId }).sort({ last: -1, _id: -1 }).lean();
  const eventIds = [...new Set(events.flatMap((e) => e.eventIds))].slice(0, 100);
  const first = events[0]?.at ?? date(d.firstSeen);
  const lastSeen = newest?.last?.getTime() ?? d.lastSeen;
  const rank = SEVERITIES.indexOf(d.severity);
  const written = await models.detections.updateOne(
    { _id: detectionId },
    {
      $set: { count: totals?.count ?? d.count, eventIds, firstSeen: first, lastSeen: date(lastSeen) },
      $setOnInsert: {
        schoolId,
        ruleId: d.ruleId,
        family: d.family,
        severity: d.severity,
        severityRank: rank,
        category: d.category,
        source: d.source,
        kind: d.kind,
        foldKey: d.foldKey,
        bucket,
        actor: d.actor,
        ...(d.actorRole ? { actorRole: d.actorRole } : {}),
        ...(d.target !== undefined ? { target: d.target } : {}),
        ...(d.objectId !== undefined ? { objectId: d.objectId } : {}),
        ...(d.location ? { siteUrl: d.location.siteUrl, listId: d.location.listId } : {}),
        looksLikePupilData: d.looksLikePupilData,
        pupilInvolved: d.pupilInvolved,
        ...(d.adminAccount ? { adminAccount: d.adminAccount } : {}),
        summary: d.summary,
        runbook: d.runbook,
      },
    },
    { upsert: true },
  );
  // A later repeat can only make it more serious (a pupil joins in, pupil data appears).
  await models.detections.updateOne({ _id: detectionId, severityRank: { $lt: rank } }, { $set: { severity: d.severity, severityRank: rank } });
  // Once any event of the detection may involve an indecent image, the whole detection is "do not view".
  if (d.mayInvolveIndecentImage) await models.detections.updateOne({ _id: detectionId }, { $set: { mayInvolveIndecentImage: true } });
  if (d.pupilInvolved || d.looksLikePupilData) {
    await models.detections.updateOne(
      { _id: detectionId },
      { $set: { ...(d.pupilInvolved ? { pupilInvolved: true } : {}), ...(d.looksLikePupilData ? { looksLikePupilData: true } : {}) } },
    );
  }
  return written.upsertedCount > 0;
}

/** A stored suppression as the engine reads it. */
export function suppressionOf(s: {
  suppressionId: string; reason: string; createdBy: string; expiresAt: Date;
  ruleId?: string | null; family?: string | null; actor?: string | null; objectId?: string | null; domain?: string | null;
}): Suppression {
  return {
    id: s.suppressionId,
    reason: s.reason,
    createdBy: s.createdBy,
    expiresAt: s.expiresAt.toISOString(),
    ...(s.ruleId ? { ruleId: s.ruleId } : {}),
    ...(s.family ? { family: s.family } : {}),
    ...(s.actor ? { actor: s.actor } : {}),
    ...(s.objectId ? { objectId: s.objectId } : {}),
    ...(s.domain ? { domain: s.domain } : {}),
  } as Suppression;
}

/** The school's suppressions that have not expired or been removed. */
export async function loadActiveSuppressions(model: SuppressionModel, schoolId: string, now: Date): Promise<Suppression[]> {
  const docs = await model.find({ schoolId, expiresAt: { $gt: now }, removedAt: { $exists: false } }).lean();
  return docs.map(suppressionOf);
}

/** Appends a change-log entry as entry n+1 (a unique insert: concurrent writers retry rather than collide). */
export async function appendChange(model: MonitoringChangeModel, key: IntegrityKey | null, schoolId: string, entry: ChangeLogEntry): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const last = await model.findOne({ schoolId }).sort({ seq: -1 }).lean();
    const seq = (last?.seq ?? 0) + 1;
    try {
      await model.create(sealedChange(key, { schoolId, seq, at: new Date(entry.at), who: entry.who, why: entry.why, what: entry.what }));
      return seq;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new Error('Could not append to the monitoring change log after 5 attempts (heavy contention); try again.');
}
