import { Schema } from 'mongoose';

/**
 * A signed-in DSL dashboard session. The browser holds only a random token; `_id` is its SHA-256, so a
 * copy of the database cannot be replayed as a cookie. Sessions are ended by signing out or by expiry
 * (checked on every request; expired ones are deleted at the next sign-in, as there are no TTL indexes).
 */
export const dashboardSessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    email: { type: String, required: true },
    name: { type: String, required: true },
    /** Synchroniser token every form posts back (works inside the Teams frame, unlike a second cookie). */
    csrf: { type: String, required: true },
    /** How the person signed in: entra, or demo (loopback demo only). */
    via: { type: String, enum: ['entra', 'demo'], required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
dashboardSessionSchema.index({ expiresAt: 1 });
