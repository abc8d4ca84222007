import { Schema, type InferSchemaType } from 'mongoose';

/**
 * A policy review, recorded whether or not the text changed: who reviewed it, who approved it (e.g. a
 * governors' committee) and when it is next due. A changed text is a new version; this is the review itself.
 */
export const policyReviewSchema = new Schema(
  {
    schoolId: { type: String, required: true },
    policyId: { type: String, required: true },
    reviewedOn: { type: Date, required: true },
    reviewedBy: { type: String, required: true },
    approvedBy: { type: String, required: true },
    nextReviewDue: { type: Date, required: true },
    /** Whether the review changed the text (then a new version was published too). */
    changed: { type: Boolean, required: true },
    notes: { type: String },
    recordedBy: { type: String, required: true },
    recordedAt: { type: Date, required: true },
  },
  { strict: 'throw' },
);
policyReviewSchema.index({ schoolId: 1, policyId: 1, reviewedOn: -1 });

/** A policy review as stored. */
export type PolicyReviewRecord = InferSchemaType<typeof policyReviewSchema>;
