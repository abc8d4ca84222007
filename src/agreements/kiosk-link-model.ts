import { Schema, type InferSchemaType } from 'mongoose';

/**
 * A reception kiosk link: a printed QR code (and short address) where visitors read and sign one policy's current
 * version. `_id` is the SHA-256 (hex) of the token; the token itself is never stored. Unlike an emailed link it is not
 * spent by signing; it works until it expires or the school revokes it.
 */
export const kioskLinkSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    policyId: { type: String, required: true },
    /** A short public reference kept on each signature made through the link (not enough to rebuild the link). */
    ref: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    /** Who made the link. */
    createdBy: { type: String, required: true },
    revokedAt: { type: Date },
    revokedBy: { type: String },
  },
  { timestamps: true, strict: 'throw' },
);
kioskLinkSchema.index({ schoolId: 1, policyId: 1 });

/** A stored kiosk link. */
export type KioskLink = InferSchemaType<typeof kioskLinkSchema> & { _id: string };
