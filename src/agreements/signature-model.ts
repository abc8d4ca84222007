import { Schema, type InferSchemaType } from 'mongoose';

/** How a signature was given. New channels (e.g. a pupil's web page) add a value here. */
export const SIGNATURE_CHANNELS = ['teams', 'teams-proxy', 'classroom', 'parent-link', 'cli', 'link', 'kiosk'] as const;
export type SignatureChannel = (typeof SIGNATURE_CHANNELS)[number];

/**
 * The evidence: one append-only record per signature, chained per school. `seq` is unique per school
 * (the unique insert is what serialises concurrent signers on FerretDB) and `key` is unique per school
 * (signing twice records once). `hash` covers every field below plus `prevHash`.
 */
export const agreementSignatureSchema = new Schema(
  {
    schoolId: { type: String, required: true },
    seq: { type: Number, required: true },
    /** `<versionId>|<signerId>|<onBehalfOfId or ->|<period>`. */
    key: { type: String, required: true },
    versionId: { type: String, required: true },
    policyId: { type: String, required: true },
    versionHash: { type: String, required: true },
    signerId: { type: String, required: true },
    /** The pupil (or other person) signed for, when the signer signs on someone's behalf. */
    onBehalfOfId: { type: String, default: null },
    channel: { type: String, enum: SIGNATURE_CHANNELS, required: true },
    /** What was agreed: 'agreed' for agreements, 'consented' / 'declined' for consent forms, 'answered'. */
    outcome: { type: String, required: true },
    signedAt: { type: Date, required: true },
    /** Free-form client details: Teams client locale, tenant, conversation id, IP of a web page… */
    client: { type: Schema.Types.Mixed, default: {} },
    campaignId: { type: String, default: null },
    /** The academic year ("2026-27") for agreements re-signed every year; "-" otherwise. */
    period: { type: String, default: '-' },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
    /** HMAC of `hash` under the integrity key (outside the database); see integrity/seal.ts. */
    mac: { type: String },
    /** Set when the record was sealed by the one-off migration rather than when written. */
    anchoredAt: { type: Date },
  },
  { strict: 'throw', versionKey: false },
);
agreementSignatureSchema.index({ schoolId: 1, seq: 1 }, { unique: true });
agreementSignatureSchema.index({ schoolId: 1, key: 1 }, { unique: true });
agreementSignatureSchema.index({ schoolId: 1, onBehalfOfId: 1 });
agreementSignatureSchema.index({ schoolId: 1, signerId: 1 });

/** A stored signature record. */
export type AgreementSignature = InferSchemaType<typeof agreementSignatureSchema>;

/** The last seq and hash of each school's chain: lets verify notice records deleted from the end. */
export const agreementChainHeadSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    hash: { type: String, required: true },
  },
  { versionKey: false },
);

/** A question someone asked about a version, delivered to its owner. */
export const agreementQuestionSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    versionId: { type: String, required: true },
    personId: { type: String, required: true },
    ownerEmail: { type: String, required: true },
    text: { type: String, required: true },
    askedAt: { type: Date, required: true },
    /** True once the owner's card was sent; false when the owner cannot be reached in Teams. */
    delivered: { type: Boolean, default: false },
  },
  { versionKey: false },
);
agreementQuestionSchema.index({ schoolId: 1, versionId: 1 });

/**
 * Self-audit answers, stored for the DSL: one document per person per questionnaire version per academic
 * year, inserted once and never overwritten, so last year's answers are kept when they answer again.
 */
export const agreementAuditAnswerSchema = new Schema(
  {
    /** `<versionId>:<personId>:<period>`. */
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    versionId: { type: String, required: true },
    personId: { type: String, required: true },
    /** The academic year answered in ("2026-27"). */
    period: { type: String },
    answers: { type: [{ question: String, answer: String, _id: false }], required: true },
    submittedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
