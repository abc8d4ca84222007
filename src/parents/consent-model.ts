import { Schema, type InferSchemaType } from 'mongoose';

/**
 * What an answer is about: `agreement` (the acceptable use agreement a parent signs for a young child), or the
 * id of one of the school's configured consent types (`parents.consentTypes`: internet, photos, video…). Stored as
 * the id, so an answer outlives its type being removed from the config.
 */
export type ConsentKind = string;

/** The kind of the answer recorded when a parent signs the class agreement for their child. */
export const AGREEMENT_KIND = 'agreement';

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
    kind: { type: String, required: true },
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
