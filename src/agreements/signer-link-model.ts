import { Schema, type InferSchemaType } from 'mongoose';

/** Who a signer link is for: people without a school Teams account. */
export const SIGNER_ROLES = ['visitor', 'volunteer', 'governor', 'staff', 'contractor'] as const;
export type SignerRole = (typeof SIGNER_ROLES)[number];

/**
 * An emailed single-use link to sign one agreement version. `_id` is the SHA-256 (hex) of the random token: the
 * token itself is never stored, so a copy of the database cannot be turned into working links.
 */
export const signerLinkSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    versionId: { type: String, required: true },
    policyId: { type: String, required: true },
    /** The directory personId when the address belongs to someone in it; otherwise `guest:<hash of the address>`. */
    signerId: { type: String, required: true },
    email: { type: String, lowercase: true, trim: true, required: true },
    name: { type: String, default: null },
    role: { type: String, enum: SIGNER_ROLES, required: true },
    expiresAt: { type: Date, required: true },
    /** Who asked for the link to be sent. */
    invitedBy: { type: String, required: true },
    /** Set when the school withdrew the link before it was used: it no longer works. */
    revokedAt: { type: Date },
    revokedBy: { type: String },
  },
  { timestamps: true, strict: 'throw' },
);
signerLinkSchema.index({ schoolId: 1, email: 1 });

/**
 * The "used" fence of a signer link, inserted once when the signature is recorded. Single use is decided by this
 * unique insert (`_id` = the token hash), never by flipping a field: FerretDB updates are not atomic.
 */
export const signerLinkUseSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    usedAt: { type: Date, required: true },
  },
  { strict: 'throw' },
);

/** A stored signer link. */
export type SignerLink = InferSchemaType<typeof signerLinkSchema> & { _id: string };
