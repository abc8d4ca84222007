import { Schema, type InferSchemaType } from 'mongoose';

/**
 * One immutable version of a policy or agreement. Never updated after insert: a change is a new
 * version (`material`: everyone re-signs; `minor`: signatures of the version before still count), with
 * the reason recorded. `hash` is the SHA-256 of the canonical body the signers saw.
 */
export const agreementVersionSchema = new Schema(
  {
    /** `<schoolId>:<policyId>:v<number>`. */
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    policyId: { type: String, required: true },
    number: { type: Number, required: true },
    kind: { type: String, enum: ['agreement', 'consent', 'questionnaire'], required: true },
    title: { type: String, required: true },
    summary: { type: String, required: true },
    audience: { type: Schema.Types.Mixed, required: true },
    body: { type: String, required: true },
    hash: { type: String, required: true },
    effectiveDate: { type: Date, required: true },
    reviewDue: { type: Date, required: true },
    /** Email of the person who answers questions about it (a person in the directory). */
    ownerEmail: { type: String, required: true },
    /** Re-issued at each academic-year roll-over. */
    yearly: { type: Boolean, default: false },
    change: { type: String, enum: ['initial', 'material', 'minor'], required: true },
    reason: { type: String, required: true },
    /** The number of the latest material (or initial) version: signatures for any version with the same group count. */
    signGroup: { type: Number, required: true },
    /** Questionnaire questions (self-audit), when kind is questionnaire. */
    questions: { type: [String], default: undefined },
    publishedBy: { type: String, required: true },
    publishedAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);
agreementVersionSchema.index({ schoolId: 1, policyId: 1, number: 1 }, { unique: true });

/** A stored version. */
export type AgreementVersion = InferSchemaType<typeof agreementVersionSchema> & { _id: string };
