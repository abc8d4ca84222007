import { Schema, type InferSchemaType } from 'mongoose';

/** One directory sync of one school, kept so the IT manager can see what each run changed (or why it stopped). */
export const directorySyncRunSchema = new Schema(
  {
    schoolId: { type: String, required: true },
    source: { type: String, required: true },
    dryRun: { type: Boolean, required: true },
    /** ok: applied (or, in a dry run, counted); refused: the result looked unsafe and nothing was written; failed: the source failed. */
    outcome: { type: String, enum: ['ok', 'refused', 'failed'], required: true },
    /** Read from startedAt onwards the next incremental read starts from (so changes made during this run are read again). */
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date, required: true },
    /** Only what changed since the previous run was read (Wonde's updated_after and deletions). */
    incremental: { type: Boolean, default: false },
    added: { type: Number, default: 0 },
    updated: { type: Number, default: 0 },
    unchanged: { type: Number, default: 0 },
    reactivated: { type: Number, default: 0 },
    deactivated: { type: Number, default: 0 },
    /** Source users no mapping rule matched. */
    skipped: { type: Number, default: 0 },
    /** First agreement cards queued for new joiners after the sync. */
    joinersQueued: { type: Number, default: 0 },
    errorCode: { type: String },
    /** The error's message: the source's status and the fix, never personal data. */
    error: { type: String },
  },
  { strict: 'throw' },
);
directorySyncRunSchema.index({ schoolId: 1, startedAt: -1 });

/** A stored directory sync run. */
export type DirectorySyncRun = InferSchemaType<typeof directorySyncRunSchema>;
