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
    /** Position in the school's consent chain (consent-chain.ts): 1, 2, 3 … across every pupil and kind. */
    chainSeq: { type: Number },
    /**
     * `schoolId:chainSeq`, unique: two answers at once (different pupils) cannot both take position n. One sparse
     * field because answers from before chaining have none, and a compound sparse index would still index them.
     */
    chainKey: { type: String },
    /** The hash of the school's previous answer in the chain ('' for the first). */
    prevHash: { type: String },
    /** SHA-256 of this answer's content and prevHash. */
    hash: { type: String },
    /** HMAC of the hash under the integrity key, held outside the database. */
    mac: { type: String },
    /** Set when the answer was sealed by a one-off migration rather than when written. */
    anchoredAt: { type: Date },
  },
  { strict: 'throw' },
);
consentRecordSchema.index({ schoolId: 1, pupilId: 1, kind: 1, seq: 1 }, { unique: true });
consentRecordSchema.index({ schoolId: 1, parentId: 1 });
consentRecordSchema.index({ chainKey: 1 }, { unique: true, sparse: true });
consentRecordSchema.index({ schoolId: 1, chainSeq: -1 });

/** A consent record as stored. */
export type ConsentRecord = InferSchemaType<typeof consentRecordSchema>;
