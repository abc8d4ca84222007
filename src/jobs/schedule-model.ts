import { Schema, type Model, type Types } from 'mongoose';

/** A recurring schedule's shared progress, so every instance agrees on what has been enqueued. */
export interface ScheduleDoc {
  _id: Types.ObjectId;
  name: string;
  cron: string;
  timezone: string;
  /** The last occurrence a job was enqueued for; occurrences after it and up to now are due. */
  lastEnqueuedFor: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const scheduleSchema = new Schema<ScheduleDoc>(
  {
    name: { type: String, required: true },
    cron: { type: String, required: true },
    timezone: { type: String, required: true },
    lastEnqueuedFor: { type: Date, required: true },
  },
  { timestamps: true, strict: 'throw', versionKey: false },
);
scheduleSchema.index({ name: 1 }, { unique: true });

export type ScheduleModel = Model<ScheduleDoc>;
