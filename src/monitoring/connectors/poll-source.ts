import type { LanternConfig } from '../../config/load.js';
import type { Models } from '../../stores.js';
import type { Logger } from '../../log/logger.js';
import { createDetectionStore } from '../store.js';
import { loadEffectiveMonitoring } from '../settings-store.js';
import type { Source } from '../types.js';
import { checkpointId } from './checkpoint-model.js';
import { errorSummary } from './error-summary.js';
import { pollStream, type PollProgress, type PollResult } from './poll.js';
import type { RetryOptions } from '../../http/retry.js';
import { sourceConnector, type AuditClientFactories } from './school-connectors.js';
import { loadTenantContext } from './tenant-from-db.js';

/** What polling one school's source needs. */
export interface PollSourceDeps {
  config: LanternConfig;
  models: Models;
  logger: Logger;
  clock: () => Date;
  clients: AuditClientFactories;
}

/** Options of one run: a backfill start, cancellation, progress, and (for tests) retry timing. */
export interface PollSourceOptions {
  since?: number;
  signal?: AbortSignal;
  onProgress?(progress: PollProgress): void;
  retry?: RetryOptions;
  /** Poll only these stream ids (an early poll after a push notification). */
  streams?: readonly string[];
}

/** The outcome per stream: its result, or the error that stopped it (recorded on its checkpoint too). */
export interface SourceRunSummary {
  schoolId: string;
  source: Source;
  streams: Array<{ stream: string; ok: true; result: PollResult } | { stream: string; ok: false; code: string; message: string }>;
}

/**
 * Polls every stream of one school's source in turn. One stream failing (throttled for too long, a permission
 * missing for one log) does not stop the others; each stream's error is on its checkpoint for `monitor status`.
 */
export async function pollSource(deps: PollSourceDeps, schoolId: string, source: Source, options: PollSourceOptions = {}): Promise<SourceRunSummary> {
  const school = deps.config.schools.find((s) => s.id === schoolId);
  const connector = sourceConnector(deps.clients, deps.config, schoolId, source, options.retry);
  const summary: SourceRunSummary = { schoolId, source, streams: [] };
  if (!school || !connector) return summary;
  const log = deps.logger.child({ schoolId, source });
  try {
    await connector.prepare(options.signal);
  } catch (err) {
    // Subscriptions could not be started: every stream of the source is stuck, so each checkpoint says why.
    const { code, message } = errorSummary(err);
    for (const stream of connector.streams) {
      await deps.models.monitorCheckpoints.updateOne(
        { _id: checkpointId(schoolId, stream.id) },
        { $set: { lastError: message, lastErrorCode: code, lastErrorAt: deps.clock() }, $setOnInsert: { schoolId, source, stream: stream.id } },
        { upsert: true },
      );
      summary.streams.push({ stream: stream.id, ok: false, code, message });
    }
    log.warn({ err, code, cause: message }, 'could not prepare the audit source; the next poll tries again');
    return summary;
  }
  // Read afresh on every poll: a rule, suppression or allowlist change applies from the next poll.
  const monitoring = await loadEffectiveMonitoring(deps.models, school, deps.clock());
  const tenant = await loadTenantContext(deps.models, school, monitoring);
  const { suppressions, rules: settings } = monitoring;
  const sink = createDetectionStore(deps.models, settings);
  for (const stream of connector.streams) {
    if (options.streams && !options.streams.includes(stream.id)) continue;
    options.signal?.throwIfAborted();
    try {
      const result = await pollStream({
        schoolId,
        stream,
        checkpoints: deps.models.monitorCheckpoints,
        locks: deps.models.monitorStreamLocks,
        sink,
        tenant,
        settings,
        suppressions,
        clock: deps.clock,
        logger: log,
        ...(options.since !== undefined ? { since: options.since } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      summary.streams.push({ stream: stream.id, ok: true, result });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      summary.streams.push({ stream: stream.id, ok: false, ...errorSummary(err) });
    }
  }
  return summary;
}
