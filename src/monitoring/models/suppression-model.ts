import { Schema, type InferSchemaType, type Model } from 'mongoose';
import { FAMILIES } from '../types.js';

/**
 * A stored suppression (see suppressions.ts for matching). Never deleted: removing one sets `removedAt`,
 * and both changes are also in the monitoring change log with who and why.
 */
export const suppressionSchema = new Schema(
  {
    schoolId: { type: String, required: true },
    suppressionId: { type: String, required: true },
    ruleId: { type: String },
    family: { type: String, enum: FAMILIES },
    actor: { type: String, lowercase: true, trim: true },
    objectId: { type: String },
    domain: { type: String, lowercase: true, trim: true },
    reason: { type: String, required: true },
    createdBy: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    removedAt: { type: Date },
  },
  { timestamps: true, strict: 'throw' },
);
suppressionSchema.index({ schoolId: 1, suppressionId: 1 }, { unique: true });
suppressionSchema.index({ schoolId: 1, expiresAt: 1 });

/** A suppression as stored. */
export type StoredSuppression = InferSchemaType<typeof suppressionSchema>;
/** The suppressions model. */
export type SuppressionModel = Model<StoredSuppression>;
