import { Schema, type InferSchemaType } from 'mongoose';

/** Channel states: starting (stored before Google is asked, so its first "sync" message can be verified), active, stopped, expired, failed. */
export const WATCH_STATUSES = ['starting', 'active', 'stopped', 'expired', 'failed'] as const;

/**
 * One Reports API push channel (`activities.watch`) of one school and application. The channel token is a
 * random secret sent to Google once; only its SHA-256 is stored, which is all the push route needs to verify it.
 */
export const watchChannelSchema = new Schema(
  {
    /** The channel id (a UUID Lantern chose); Google sends it back as X-Goog-Channel-ID. */
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    application: { type: String, required: true },
    tokenHash: { type: String, required: true },
    /** Google's id of the watched resource; channels.stop needs it with the channel id. */
    resourceId: { type: String },
    expiration: { type: Date },
    status: { type: String, enum: WATCH_STATUSES, required: true },
    error: { type: String },
    stoppedAt: { type: Date },
    lastNotificationAt: { type: Date },
  },
  { timestamps: true, strict: 'throw' },
);
watchChannelSchema.index({ schoolId: 1, application: 1, status: 1 });

/** A stored push channel. */
export type WatchChannel = InferSchemaType<typeof watchChannelSchema> & { _id: string };
