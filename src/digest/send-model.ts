import { Schema, type InferSchemaType } from 'mongoose';

/**
 * One digest per scope (a school id, or `trust:<id>`) per ISO week. `_id` is `${scope}:${weekId}` and is
 * created by a unique insert before anything is sent, so two instances agree on which send it is.
 */
export const digestSendSchema = new Schema(
  {
    _id: { type: String, required: true },
    scope: { type: String, required: true },
    weekId: { type: String, required: true },
    /** building: not yet known to be sent; sent: final. */
    state: { type: String, enum: ['building', 'sent'], required: true },
    messageId: { type: String, required: true },
    transport: { type: String, required: true },
    providerMessageId: { type: String, default: null },
    /** True when a retry found the message already in the sender's sent mail and did not send again. */
    reconciled: { type: Boolean, default: false },
    sentAt: { type: Date, default: null },
    recipients: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
digestSendSchema.index({ scope: 1, weekId: 1 }, { unique: true });

/** A digest send record as stored. */
export type DigestSendDoc = InferSchemaType<typeof digestSendSchema> & { _id: string };

/**
 * One attempt to hand a digest to the mail provider: `_id` `${sendId}:${n}`. Inserted (unique) just before
 * each provider call, so the number of attempts is known even when a process died mid-call.
 */
export const digestSendAttemptSchema = new Schema(
  {
    _id: { type: String, required: true },
    sendId: { type: String, required: true },
    n: { type: Number, required: true },
    at: { type: Date, required: true },
    by: { type: String, required: true },
  },
  { versionKey: false },
);
digestSendAttemptSchema.index({ sendId: 1, n: 1 });
