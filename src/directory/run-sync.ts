import type { LanternConfig } from '../config/load.js';
import type { Models } from '../stores.js';
import { ErrorCode, isLanternError, LanternError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { calendarOf } from '../agreements/academic-year.js';
import { queueCampaignFollowUps } from '../agreements/reminders.js';
import { revokeStaleTokens } from '../parents/link-status.js';
import type { RetryOptions } from '../http/retry.js';
import { applyDirectory, type DirectoryChanges } from './apply.js';
import type { School } from '../config/load.js';
import { personInputOf, type Person } from './person.js';
import type { DirectorySyncRun } from './sync-run-model.js';
import { readDirectory, readsIncrementally, type DirectoryBaseline, type DirectoryReadProgress } from './source.js';

/** What a directory sync needs. */
export interface DirectorySyncDeps {
  config: LanternConfig;
  models: Models;
  logger: Logger;
  clock: () => Date;
}

/** Options of one sync run. */
export interface DirectorySyncOptions {
  /** Count what would change without writing anything (the run is still recorded, marked as a dry run). */
  dryRun?: boolean;
  signal?: AbortSignal;
  retry?: RetryOptions;
  /** Read everything even where the source can read only what changed (Wonde). */
  full?: boolean;
  onProgress?(progress: DirectoryReadProgress): void;
}

/** A complete read at least this often, so anything an incremental read missed is put right within a week. */
export const FULL_READ_EVERY_MS = 7 * 24 * 3600_000;

/** The summary of a successful run. */
export interface DirectorySyncSummary extends Omit<DirectoryChanges, 'joinerIds'> {
  schoolId: string;
  source: string;
  dryRun: boolean;
  skipped: number;
  joinersQueued: number;
  /** Set when only what changed since this time was read (and merged onto the stored directory). */
  incrementalSince?: Date;
}

/**
 * The stored directory and the start of the last successful run, when the school's source can read only what
 * changed and a complete read happened within FULL_READ_EVERY_MS; undefined means read everything.
 */
async function baselineFor(deps: DirectorySyncDeps, school: School, options: DirectorySyncOptions, now: Date): Promise<DirectoryBaseline | undefined> {
  if (options.full || !readsIncrementally(school)) return undefined;
  const ok = { schoolId: school.id, source: school.directory.source, outcome: 'ok' as const, dryRun: false };
  const [last, lastFull] = await Promise.all([
    deps.models.directorySyncRuns.findOne(ok).sort({ startedAt: -1 }).lean<DirectorySyncRun>(),
    deps.models.directorySyncRuns.findOne({ ...ok, incremental: { $ne: true } }).sort({ startedAt: -1 }).lean<DirectorySyncRun>(),
  ]);
  if (!last || !lastFull || now.getTime() - lastFull.startedAt.getTime() > FULL_READ_EVERY_MS) return undefined;
  const stored = await deps.models.people.find({ schoolId: school.id, active: true }).lean<Person[]>();
  return { since: last.startedAt, people: stored.map(personInputOf) };
}

/**
 * Reads a school's directory source (for Wonde, only what changed since the last run, merged onto the stored
 * directory, with a complete read at least weekly), writes the changes, records the run, and queues the open agreements of
 * anyone who joined (the same follow-up pass the agreements tick runs). A failing or empty source throws after
 * recording why; the stored directory is then exactly as it was.
 */
export async function runDirectorySync(deps: DirectorySyncDeps, schoolId: string, options: DirectorySyncOptions = {}): Promise<DirectorySyncSummary> {
  const school = deps.config.schools.find((s) => s.id === schoolId);
  if (!school) {
    throw new LanternError(ErrorCode.UsageError, `There is no school "${schoolId}" in ${deps.config.source}; use one of: ${deps.config.schools.map((s) => s.id).join(', ')}.`);
  }
  const source = school.directory.source;
  const dryRun = options.dryRun ?? false;
  const startedAt = deps.clock();
  const log = deps.logger.child({ schoolId, source, dryRun });
  try {
    const baseline = await baselineFor(deps, school, options, startedAt);
    const incremental = baseline !== undefined;
    const read = await readDirectory(school, {
      config: deps.config,
      baseline,
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const { joinerIds, ...changes } = await applyDirectory(deps.models.people, schoolId, read.people, { dryRun });
    const joinersQueued = !dryRun && joinerIds.length > 0 ? (await queueCampaignFollowUps(deps.models, schoolId, deps.clock(), calendarOf(school))).joiners : 0;
    // A parent or pupil who left must not keep a working consent link until it expires.
    const parentLinksRevoked = !dryRun && changes.deactivated > 0 ? await revokeStaleTokens(deps.models, schoolId, deps.clock()) : 0;
    const summary: DirectorySyncSummary = { schoolId, source, dryRun, ...changes, skipped: read.skipped, joinersQueued, ...(baseline ? { incrementalSince: baseline.since } : {}) };
    await deps.models.directorySyncRuns.create({ schoolId, source, dryRun, outcome: 'ok', startedAt, finishedAt: deps.clock(), incremental, ...changes, skipped: read.skipped, joinersQueued });
    log.info({ ...changes, skipped: read.skipped, joinersQueued, parentLinksRevoked, incremental }, 'directory synced');
    return summary;
  } catch (err) {
    if (options.signal?.aborted) throw err;
    const refused = isLanternError(err, ErrorCode.DirectorySyncRefused);
    const code = isLanternError(err) ? err.code : 'unexpected';
    const message = err instanceof Error ? err.message : String(err);
    await deps.models.directorySyncRuns
      .create({ schoolId, source, dryRun, outcome: refused ? 'refused' : 'failed', startedAt, finishedAt: deps.clock(), errorCode: code, error: message })
      .catch((recordErr: unknown) => log.warn({ err: recordErr }, 'could not record the failed directory sync'));
    log.warn({ code }, refused ? 'directory sync refused; the stored directory is unchanged' : 'directory sync failed; the stored directory is unchanged');
    throw err;
  }
}
