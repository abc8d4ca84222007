import { Schema, type InferSchemaType } from 'mongoose';

/**
 * The separate choices a parent makes: the acceptable use agreement on behalf of their child, internet access
 * at school, and photos of their child on the school website.
 */
export const CONSENT_KINDS = ['agreement', 'internet', 'photos'] as const;
export type ConsentKind = (typeof CONSENT_KINDS)[number];

/** A parent's answer. A withdrawal is a new record, never an edit of the old one. */
export const CONSENT_DECISIONS = ['given', 'refused', 'withdrawn'] as const;
export type ConsentDecision = (typeof CONSENT_DECISIONS)[number];

/**
 * One consent answer, append-only. `seq` numbers the answers for one pupil and kind; the unique index means two
 * submissions at once cannot both become answer n+1. The current state is the record with the highest seq.
 */
export const consentRecordSchema = new Schema(
  {
    schoolId: { type: String, required: true },
    pupilId: { type: String, required: true },
    kind: { type: String, enum: CONSENT_KINDS, required: true },
    seq: { type: Number, required: true },
    decision: { type: String, enum: CONSENT_DECISIONS, required: true },
    parentId: { type: String, required: true },
    /** The name the parent typed as their signature. */
    typedName: { type: String, required: true },
    /** SHA-256 of the link used, tying the answer to one emailed link. */
    tokenHash: { type: String, required: true },
    /** The policy version the parent saw, when the choice refers to one. */
    versionHash: { type: String },
    at: { type: Date, required: true },
    client: { ip: String, userAgent: String },
  },
  { strict: 'throw' },
);
consentRecordSchema.index({ schoolId: 1, pupilId: 1, kind: 1, seq: 1 }, { unique: true });
consentRecordSchema.index({ schoolId: 1, parentId: 1 });

/** A consent record as stored. */
export type ConsentRecord = InferSchemaType<typeof consentRecordSchema>;
