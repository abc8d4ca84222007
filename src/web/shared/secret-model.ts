import { Schema } from 'mongoose';

/**
 * Keys shared by every web instance (cookie signing). Created once by a unique insert, then read by all, so
 * several instances sign and check each other's cookies without a secret in process memory only.
 */
export const webSecretSchema = new Schema(
  {
    _id: { type: String, required: true },
    secret: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);
