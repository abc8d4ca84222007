import { Schema, type InferSchemaType, type Model } from 'mongoose';

/**
 * Where one audit stream of one school has got to (B2). Everything a poll needs to resume is in this one
 * document — the cursor, the keys of recently processed records, finished content blobs and the rolling
 * counters — so it is written in one single-document update, after the detections it covers are stored.
 */
export const checkpointSchema = new Schema(
  {
    /** `${schoolId}|${streamId}`. */
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    source: { type: String, required: true },
    stream: { type: String, required: true },
    /** End of the last window whose detections are all stored; the next poll re-reads from cursor − overlap. */
    cursor: { type: Date, default: null },
    /** { k: key, t: stamp } of records that touched a rule recently (skipped when an overlapping window returns them). */
    seen: { type: Schema.Types.Mixed, default: () => [] },
    /** { k: unit id, t: stamp } of content blobs finished recently (Management API). */
    units: { type: Schema.Types.Mixed, default: () => [] },
    /** Rolling counters of threshold rules, as { key, times, ids } entries (see counter-store.ts). */
    counters: { type: Schema.Types.Mixed, default: () => [] },
    lastRunAt: { type: Date, default: null },
    /** When a poll last finished without error. */
    lastGoodRunAt: { type: Date, default: null },
    lastError: { type: String, default: null },
    lastErrorCode: { type: String, default: null },
    lastErrorAt: { type: Date, default: null },
    lastRecords: { type: Number, default: 0 },
    lastDetections: { type: Number, default: 0 },
  },
  { timestamps: true, minimize: false, strict: 'throw' },
);
checkpointSchema.index({ schoolId: 1, source: 1 });

/** A checkpoint as stored. */
export type CheckpointDoc = InferSchemaType<typeof checkpointSchema> & { _id: string };

/** The compiled model. */
export type CheckpointModel = Model<CheckpointDoc>;

/** The checkpoint id of a stream. */
export function checkpointId(schoolId: string, streamId: string): string {
  return `${schoolId}|${streamId}`;
}
