import { Schema, type InferSchemaType, type Model } from 'mongoose';

/**
 * The monitoring change log (DfE filtering and monitoring standards): every rule setting, threshold,
 * suppression and allowlist change with who, why and what. Append-only: `seq` is unique per school, so two
 * people changing settings at once cannot both write entry n (the loser retries), and updates and deletes
 * are refused by the schema.
 */
export const monitoringChangeSchema = new Schema(
  {
    schoolId: { type: String, required: true },
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    who: { type: String, required: true },
    why: { type: String, required: true },
    /** The ChangeWhat of changes.ts: type plus before/after. */
    what: { type: Schema.Types.Mixed, required: true },
    /** HMAC of the entry's content hash (change-chain.ts) under the integrity key, held outside the database. */
    mac: { type: String },
    /** Set when the entry was sealed by the one-off migration rather than when written. */
    anchoredAt: { type: Date },
  },
  { timestamps: { createdAt: true, updatedAt: false }, strict: 'throw' },
);
monitoringChangeSchema.index({ schoolId: 1, seq: 1 }, { unique: true });
monitoringChangeSchema.index({ schoolId: 1, at: -1 });

const refuse = function (): never {
  throw new Error('The monitoring change log is append-only: record a new change instead of editing an old one.');
};
monitoringChangeSchema.pre(['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete'], refuse);

/** A change as stored. */
export type StoredMonitoringChange = InferSchemaType<typeof monitoringChangeSchema>;
/** The change log model. */
export type MonitoringChangeModel = Model<StoredMonitoringChange>;
