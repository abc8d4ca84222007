import type { Logger } from '../../log/logger.js';
import { createMemoryCounters, type ThresholdCounters } from '../counters.js';
import { createEngine } from '../engine.js';
import type { RuleSettings } from '../settings.js';
import type { Suppression } from '../suppressions.js';
import type { TenantContext } from '../tenant.js';
import { checkpointId, type CheckpointModel } from './checkpoint-model.js';
import type { DetectionStore, KeyedDetection } from '../store.js';
import { countersFromStored, countersToStored } from './counter-store.js';
import { errorSummary } from './error-summary.js';
import { StampedSet } from './stamped-set.js';
import { acquireStreamLock, type StreamLock, type StreamLockModel } from './stream-lock.js';
import type { AuditStream, RecordPage, TimeWindow } from './stream.js';

/** Progress of one stream, after each page and each finished window. */
export interface PollProgress {
  stream: string;
  /** The whole span this poll covers. */
  from: number;
  to: number;
  /** Everything before this is stored and checkpointed. */
  doneUntil: number;
  records: number;
  /** New detections stored so far (not rule matches: repeats fold and re-reads are skipped). */
  detections: number;
}

/** Crash points for tests: a hook that throws stops the poll exactly there, as a crash would. */
export interface PollHooks {
  /** After a page is fetched, before anything from it is stored. */
  afterFetch?(page: RecordPage): void | Promise<void>;
  /** After a page's detections are stored, before the checkpoint moves. */
  afterStore?(): void | Promise<void>;
}

/** What one poll of one stream needs. */
export interface PollOptions {
  schoolId: string;
  stream: AuditStream;
  checkpoints: CheckpointModel;
  /** When given, only one poll of the stream runs at a time; another finds it busy and returns at once. */
  locks?: StreamLockModel;
  sink: DetectionStore;
  tenant: TenantContext;
  settings?: RuleSettings;
  suppressions?: readonly Suppression[];
  clock: () => Date;
  logger: Logger;
  /** Backfill: read from at least this far back (ms since the epoch), within the vendor's retention. */
  since?: number;
  signal?: AbortSignal;
  onProgress?(progress: PollProgress): void;
  hooks?: PollHooks;
}

/** What a poll did. */
export interface PollResult {
  stream: string;
  windows: number;
  pages: number;
  records: number;
  /** Records skipped because an earlier poll already processed them (overlap re-reads). */
  alreadySeen: number;
  /** Records the engine could not read (skipped, counted). */
  problems: number;
  /** Rule matches, before folding and de-duplication (what the engine found, not what was written). */
  detections: number;
  /** Matches stored as new events of a detection (new detections plus repeats folded into one). */
  stored: number;
  /** Detections written for the first time: what the DSL team and IT will see. */
  created: number;
  /** Matches already stored by an earlier poll (overlap re-reads, a replay after a crash). */
  duplicates: number;
  cursor: string;
  /** True when another poll of the stream held its lock, so this one did nothing. */
  busy: boolean;
}

// Bounds on the state kept in the checkpoint document (well below MongoDB's 16 MB).
const MAX_SEEN = 100_000;
const MAX_UNITS = 20_000;
const FIRST_RUN_MIN_MS = 15 * 60_000;

/** Splits [from, to) into consecutive windows no longer than `max`. */
export function splitWindows(from: number, to: number, max: number): TimeWindow[] {
  const out: TimeWindow[] = [];
  for (let start = from; start < to; start += max) out.push({ start, end: Math.min(to, start + max) });
  return out;
}

/** Counters that report whether a record changed them, so only records that matter are remembered. */
function touchingCounters(inner: ThresholdCounters, touched: () => void): ThresholdCounters {
  return {
    add: (...args) => {
      touched();
      return inner.add(...args);
    },
    eventIds: (key) => inner.eventIds(key),
    span: (key) => inner.span(key),
    snapshot: () => inner.snapshot(),
  };
}

/**
 * Polls one stream: reads from the checkpoint (minus the stream's overlap, for late records) to now, window
 * by window; feeds each page to the rule engine, skipping records an earlier poll already processed; stores
 * the page's detections; and after each window saves cursor, seen keys and counters in one write.
 * A crash anywhere loses nothing (the checkpoint only moves after storage) and duplicates nothing (the
 * re-read records are skipped by key, and the sink ignores detection keys it already has).
 */
export async function pollStream(options: PollOptions): Promise<PollResult> {
  const id = checkpointId(options.schoolId, options.stream.id);
  const lock = options.locks ? await acquireStreamLock(options.locks, id, options.clock) : undefined;
  if (options.locks && !lock) {
    options.logger.info({ schoolId: options.schoolId, stream: options.stream.id }, 'another poll of this stream is running; this one stops');
    const cursor = new Date(options.clock()).toISOString();
    return { stream: options.stream.id, windows: 0, pages: 0, records: 0, alreadySeen: 0, problems: 0, detections: 0, stored: 0, created: 0, duplicates: 0, cursor, busy: true };
  }
  try {
    return await pollLocked(options, id, lock);
  } finally {
    await lock?.release().catch(() => undefined);
  }
}

async function pollLocked(options: PollOptions, id: string, lock: StreamLock | undefined): Promise<PollResult> {
  const { schoolId, stream, checkpoints, clock } = options;
  const log = options.logger.child({ schoolId, stream: stream.id });
  const startedAt = clock();
  const now = startedAt.getTime();
  const cp = await checkpoints.findById(id).lean();
  await checkpoints.updateOne({ _id: id }, { $set: { lastRunAt: startedAt }, $setOnInsert: { schoolId, source: stream.source, stream: stream.id } }, { upsert: true });

  const seen = StampedSet.from(cp?.seen, MAX_SEEN);
  const units = StampedSet.from(cp?.units, MAX_UNITS);
  const cursor = cp?.cursor ? cp.cursor.getTime() : undefined;
  const earliest = now - stream.retentionMs;
  let from = cursor !== undefined ? cursor - stream.overlapMs : now - Math.max(stream.overlapMs, FIRST_RUN_MIN_MS);
  if (options.since !== undefined) from = Math.min(from, options.since);
  from = Math.max(from, earliest);

  let touched = false;
  const counters = touchingCounters(createMemoryCounters(countersFromStored(cp?.counters)), () => (touched = true));
  let pending: KeyedDetection[] = [];
  let currentKey = '';
  const engine = createEngine({
    tenant: options.tenant,
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.suppressions ? { suppressions: options.suppressions } : {}),
    counters,
    now: () => clock().getTime(),
    onDetection: (detection) => {
      touched = true;
      pending.push({ key: `${detection.ruleId}|${currentKey || detection.eventIds.join(',')}`, detection });
    },
    onSuppressed: () => (touched = true),
  });

  const result: PollResult = { stream: stream.id, windows: 0, pages: 0, records: 0, alreadySeen: 0, problems: 0, detections: 0, stored: 0, created: 0, duplicates: 0, cursor: new Date(cursor ?? from).toISOString(), busy: false };
  const windows = splitWindows(from, now, stream.maxWindowMs);
  let doneUntil = from;
  try {
    for (const window of windows) {
      for await (const page of stream.fetch(window, { isDone: (u) => units.has(u), ...(options.signal ? { signal: options.signal } : {}) })) {
        await options.hooks?.afterFetch?.(page);
        result.pages++;
        for (const raw of page.records) {
          const key = stream.eventKey(raw);
          if (key && seen.has(key)) {
            result.alreadySeen++;
            continue;
          }
          currentKey = key;
          touched = false;
          result.records++;
          if (engine.process(raw)) result.problems++;
          if (touched && key) seen.add(key, window.end);
        }
        const batch = pending;
        pending = [];
        if (batch.length > 0) {
          const stored = await options.sink.store(schoolId, batch);
          result.detections += batch.length;
          result.stored += stored.stored;
          result.created += stored.created;
          result.duplicates += stored.duplicates;
        }
        await options.hooks?.afterStore?.();
        await lock?.extend();
        for (const u of page.units ?? []) units.add(u, window.end);
        options.onProgress?.({ stream: stream.id, from, to: now, doneUntil, records: result.records, detections: result.created });
      }
      // Everything up to window.end is stored: move the checkpoint, forgetting what no later poll re-reads.
      const keepFrom = window.end - stream.overlapMs;
      seen.pruneBefore(keepFrom);
      units.pruneBefore(keepFrom);
      await checkpoints.updateOne(
        { _id: id },
        { $set: { cursor: new Date(Math.max(window.end, cursor ?? 0)), seen: seen.toJSON(), units: units.toJSON(), counters: countersToStored(counters.snapshot()) } },
      );
      doneUntil = window.end;
      result.windows++;
      result.cursor = new Date(window.end).toISOString();
      options.onProgress?.({ stream: stream.id, from, to: now, doneUntil, records: result.records, detections: result.created });
    }
    await checkpoints.updateOne(
      { _id: id },
      { $set: { lastGoodRunAt: startedAt, lastError: null, lastErrorCode: null, lastErrorAt: null, lastRecords: result.records, lastDetections: result.created } },
    );
    log.info({ records: result.records, matches: result.detections, created: result.created, folded: result.stored - result.created, duplicates: result.duplicates, alreadySeen: result.alreadySeen, problems: result.problems, windows: result.windows }, 'audit stream polled');
    return result;
  } catch (err) {
    const { code, message } = errorSummary(err);
    log.warn({ err, code, cause: message, doneUntil: new Date(doneUntil).toISOString() }, 'audit stream poll failed; the next poll resumes from the checkpoint');
    await checkpoints.updateOne({ _id: id }, { $set: { lastError: message, lastErrorCode: code, lastErrorAt: clock() } }).catch(() => undefined);
    throw err;
  }
}
