import { Schema, type InferSchemaType } from 'mongoose';
import { TRAINING_KIND_IDS } from './training-kinds.js';

/** One completed training of one person: what, when, who ran it, the evidence, and who recorded it and why. */
export const trainingRecordSchema = new Schema(
  {
    schoolId: { type: String, required: true },
    personId: { type: String, required: true },
    /** The name as the directory had it when recorded, so the record reads on its own. */
    personName: { type: String, required: true },
    kind: { type: String, enum: TRAINING_KIND_IDS, required: true },
    completedOn: { type: Date, required: true },
    /** Null for training that does not run out (induction). */
    expiresOn: { type: Date, default: null },
    provider: { type: String, required: true },
    /** A link to the certificate or attendance record (kept where the school keeps it). */
    evidenceUrl: { type: String },
    recordedBy: { type: String, required: true },
    reason: { type: String },
    recordedAt: { type: Date, required: true },
  },
  { strict: 'throw' },
);
trainingRecordSchema.index({ schoolId: 1, personId: 1, kind: 1, completedOn: -1 });
trainingRecordSchema.index({ schoolId: 1, expiresOn: 1 });

/** A training record as stored. */
export type TrainingRecord = InferSchemaType<typeof trainingRecordSchema> & { _id: unknown };

/** One reminder before a training runs out, keyed `<record id>:<days before>` so each is sent once. */
export const trainingReminderSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    recordId: { type: String, required: true },
    daysBefore: { type: Number, required: true },
    at: { type: Date, required: true },
    /** `sent`, or `not-installed` when the person does not have Lantern in Teams (the DSL list shows them). */
    outcome: { type: String, required: true },
  },
  { strict: 'throw' },
);
