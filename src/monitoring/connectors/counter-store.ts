import type { CounterSnapshot, CounterStore } from '../counters.js';
import { checkpointId, type CheckpointModel } from './checkpoint-model.js';

/** One counter as stored. */
interface StoredCounter {
  key: string;
  times: number[];
  ids: string[];
}

/**
 * Counter keys contain dots (rule ids), which MongoDB field names may not, and FerretDB stores no nested
 * arrays: so the snapshot is stored as a list of { key, times, ids }.
 */
export function countersToStored(snapshot: CounterSnapshot): StoredCounter[] {
  return Object.entries(snapshot).map(([key, pairs]) => ({ key, times: pairs.map((p) => p[0]), ids: pairs.map((p) => p[1]) }));
}

/** Reads what `countersToStored` wrote, ignoring anything malformed (damaged counters only cost a threshold its memory). */
export function countersFromStored(stored: unknown): CounterSnapshot | undefined {
  if (!Array.isArray(stored)) return undefined;
  const out: CounterSnapshot = {};
  for (const entry of stored as Array<Partial<StoredCounter> | null>) {
    if (typeof entry?.key !== 'string' || !Array.isArray(entry.times) || !Array.isArray(entry.ids)) continue;
    const ids = entry.ids;
    out[entry.key] = entry.times.map((t, i): [number, string] => [Number(t), String(ids[i] ?? '')]);
  }
  return out;
}

/**
 * The engine's CounterStore over the checkpoint collection: counters live in the stream's checkpoint
 * document (`source` here is the stream id, e.g. "google:drive"), so a poll can save them in the same
 * single-document write as the cursor they belong to.
 */
export function createCounterStore(checkpoints: CheckpointModel): CounterStore {
  return {
    async load(schoolId, stream) {
      const doc = await checkpoints.findById(checkpointId(schoolId, stream)).lean();
      return countersFromStored(doc?.counters);
    },
    async save(schoolId, stream, snapshot) {
      await checkpoints.updateOne(
        { _id: checkpointId(schoolId, stream) },
        { $set: { counters: countersToStored(snapshot) }, $setOnInsert: { schoolId, source: stream.split(':')[0] ?? stream, stream } },
        { upsert: true },
      );
    },
  };
}
