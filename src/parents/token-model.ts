import { Schema, type InferSchemaType } from 'mongoose';

/** What a parent link lets its holder do: give the first answers, or change / withdraw them later. */
export const TOKEN_PURPOSES = ['consent', 'review'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

/**
 * An emailed parent link. `_id` is the SHA-256 (hex) of the random token: the token itself is never stored, so a
 * copy of the database cannot be turned into working links.
 */
export const linkTokenSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    parentId: { type: String, required: true },
    pupilId: { type: String, required: true },
    purpose: { type: String, enum: TOKEN_PURPOSES, required: true },
    /** Groups the links of one mailing, so reminders know who has not answered it. */
    round: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    /** Set when the parent or the parent–child link went inactive before the link was used: it no longer works. */
    revokedAt: { type: Date },
  },
  { timestamps: true, strict: 'throw' },
);
linkTokenSchema.index({ schoolId: 1, round: 1 });
linkTokenSchema.index({ schoolId: 1, parentId: 1, pupilId: 1 });

/**
 * The "used" fence of a link: inserted once when the parent submits. FerretDB updates are not atomic, so
 * single use is decided by this unique insert (`_id` = the token hash), never by flipping a field.
 */
export const tokenUseSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    usedAt: { type: Date, required: true },
  },
  { strict: 'throw' },
);

/** A stored parent link. */
export type LinkToken = InferSchemaType<typeof linkTokenSchema>;
