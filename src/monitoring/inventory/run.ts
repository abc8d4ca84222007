import { randomUUID } from 'node:crypto';
import { isDuplicateKey } from '../../db/errors.js';
import { InventoryFlusher } from './flusher.js';
import type { Logger } from '../../log/logger.js';
import { inventoryItemKey, inventoryUnitKey } from '../models/inventory-model.js';
import type { Models } from '../../stores.js';
import { judge, type SchoolView } from './classify.js';
import type { InventorySource } from './types.js';
import type { InventoryUnit, InventoryWalker } from './walker.js';

type InventoryModels = Pick<Models, 'inventoryRuns' | 'inventoryUnits' | 'inventoryItems'>;

/** Where a run stands, for the progress line. */
export interface InventoryProgress {
  source: InventorySource;
  unitsDone: number;
  units: number;
  files: number;
  exposed: number;
  throttled: number;
  /** Files read per second in this process (a resumed run counts only what it read itself). */
  rate: number;
  /** Estimated time to finish, from the rate over units; undefined until there is a rate. */
  etaMs?: number;
}

/** How a run ended. */
export interface InventoryRunSummary {
  runId: string;
  source: InventorySource;
  /** `running` when it was stopped (resume with --resume). */
  status: 'done' | 'running';
  resumed: boolean;
  units: number;
  unitsDone: number;
  failedUnits: number;
  files: number;
  exposed: number;
  throttled: number;
  elapsedMs: number;
}

/** How to run: resume the last unfinished run or start afresh, how many drives at once, and when to stop. */
export interface InventoryRunOptions {
  resume: boolean;
  concurrency: number;
  signal?: AbortSignal;
  onProgress?(p: InventoryProgress): void;
  clock?: () => Date;
  logger?: Logger;
}

async function openRun(models: InventoryModels, schoolId: string, source: InventorySource, resume: boolean, now: Date) {
  if (resume) {
    const last = await models.inventoryRuns.findOne({ schoolId, source, status: 'running' }).sort({ startedAt: -1 }).lean();
    if (last) return { run: last, resumed: true };
  }
  await models.inventoryRuns.updateMany({ schoolId, source, status: 'running' }, { $set: { status: 'abandoned', finishedAt: now } });
  const run = await models.inventoryRuns.create({ schoolId, runId: randomUUID(), source, status: 'running', startedAt: now });
  return { run: run.toObject(), resumed: false };
}

async function storeUnits(models: InventoryModels, schoolId: string, runId: string, units: readonly InventoryUnit[]): Promise<void> {
  // Inserted, not upserted: FerretDB stalls on bulk upserts that match (docs/mongodb-subset.md); a run killed while
  // storing them stores the rest on resume, the duplicates refused by their _id.
  for (let i = 0; i < units.length; i += 1_000) {
    const docs = units.slice(i, i + 1_000).map((u) => ({ _id: inventoryUnitKey(runId, u.unitId), schoolId, runId, unitId: u.unitId, kind: u.kind, ...(u.user ? { user: u.user } : {}) }));
    await models.inventoryUnits.insertMany(docs, { ordered: false }).catch((err: unknown) => {
      if (!isDuplicateKey(err)) throw err;
    });
  }
  await models.inventoryRuns.updateOne({ runId }, { $set: { units: units.length, unitsListed: true } });
}

async function totals(models: InventoryModels, runId: string) {
  // Summed here: FerretDB v1 has no $cond in $group (docs/mongodb-subset.md).
  const units = await models.inventoryUnits.find({ runId }, { done: 1, error: 1, files: 1, exposed: 1 }).lean();
  const sum = { units: units.length, done: 0, failed: 0, files: 0, exposed: 0 };
  for (const u of units) {
    if (u.done) sum.done++;
    if (u.error) sum.failed++;
    sum.files += u.files ?? 0;
    sum.exposed += u.exposed ?? 0;
  }
  return sum;
}

/**
 * Walks one source for one school, storing each exposed file and, after every page, the unit's checkpoint: the
 * page's files are written first (upserts, so a page read twice stores nothing twice), then the cursor moves. A run
 * killed at any point resumes at the page it had not finished, without reading a finished drive again.
 */
export async function runInventory(models: InventoryModels, schoolId: string, view: SchoolView, walker: InventoryWalker, options: InventoryRunOptions): Promise<InventoryRunSummary> {
  const clock = options.clock ?? (() => new Date());
  const started = Date.now();
  const { run, resumed } = await openRun(models, schoolId, walker.source, options.resume, clock());
  const runId = run.runId;
  if (!run.unitsListed) await storeUnits(models, schoolId, runId, await walker.listUnits(options.signal));
  const before = await totals(models, runId);
  const progress = { unitsDone: before.done, units: before.units, files: before.files, exposed: before.exposed, readHere: 0, unitsHere: 0 };
  const report = () => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? progress.readHere / seconds : 0;
    const unitsLeft = progress.units - progress.unitsDone;
    const perUnitMs = progress.unitsHere > 0 ? (Date.now() - started) / progress.unitsHere : undefined;
    options.onProgress?.({
      source: walker.source,
      unitsDone: progress.unitsDone,
      units: progress.units,
      files: progress.files,
      exposed: progress.exposed,
      throttled: walker.throttled(),
      rate,
      ...(perUnitMs !== undefined ? { etaMs: (unitsLeft * perUnitMs) / Math.max(1, options.concurrency) } : {}),
    });
  };
  report();

  const flusher = new InventoryFlusher(models);
  const pending = await models.inventoryUnits.find({ runId, done: false }, { unitId: 1, kind: 1, user: 1, cursor: 1 }).lean();
  let next = 0;
  const worker = async () => {
    while (next < pending.length && !options.signal?.aborted) {
      const stored = pending[next++] as (typeof pending)[number];
      const unit: InventoryUnit = { unitId: stored.unitId, kind: stored.kind, ...(stored.user ? { user: stored.user } : {}) };
      let cursor = stored.cursor ?? undefined;
      try {
        for (;;) {
          const page = await walker.readPage(unit, cursor, options.signal);
          const exposed = page.files.flatMap((f) => judge(view, f) ?? []);
          const done = page.next === undefined;
          await flusher.add(
            exposed.map((item) => ({ _id: inventoryItemKey(schoolId, walker.source, item.fileId), ...item, schoolId, source: walker.source, runId })),
            { _id: inventoryUnitKey(runId, unit.unitId), done, ...(page.next ? { cursor: page.next } : {}), files: page.seen, exposed: exposed.length },
          );
          progress.files += page.seen;
          progress.readHere += page.seen;
          progress.exposed += exposed.length;
          if (done) {
            progress.unitsDone++;
            progress.unitsHere++;
          }
          report();
          if (done) break;
          cursor = page.next;
          if (options.signal?.aborted) return;
        }
      } catch (err) {
        if (options.signal?.aborted) return;
        // One user's drive refusing (no licence, delegation missing for them) must not stop the school's inventory.
        const status = (err as { status?: unknown }).status ?? (err as { response?: { status?: unknown } }).response?.status;
        options.logger?.warn({ schoolId, unitKind: unit.kind, status }, 'inventory: a drive could not be read');
        await flusher.flush();
        await models.inventoryUnits.updateOne({ _id: inventoryUnitKey(runId, unit.unitId) }, { $set: { done: true, error: typeof status === 'number' ? `HTTP ${status}` : 'no answer' } });
        progress.unitsDone++;
        progress.unitsHere++;
        report();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  } finally {
    // Pages read before a stop are kept; a crash loses only what was not yet written, and those pages are read again.
    await flusher.flush();
  }

  const after = await totals(models, runId);
  const finished = !options.signal?.aborted && after.done === after.units;
  if (finished) await models.inventoryRuns.updateOne({ runId }, { $set: { status: 'done', finishedAt: clock() } });
  return {
    runId,
    source: walker.source,
    status: finished ? 'done' : 'running',
    resumed,
    units: after.units,
    unitsDone: after.done,
    failedUnits: after.failed,
    files: after.files,
    exposed: after.exposed,
    throttled: walker.throttled(),
    elapsedMs: Date.now() - started,
  };
}
