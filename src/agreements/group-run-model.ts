import { Schema, type InferSchemaType } from 'mongoose';

const changeSchema = new Schema(
  {
    /** The member key the provider was given: an email (Google) or an Entra object id. */
    member: { type: String, required: true },
    personId: { type: String },
    /** Set when the provider refused this change. */
    error: { type: String },
  },
  { _id: false, strict: 'throw' },
);

/**
 * One run of the unsigned-accounts group sync (sign before access): who approved it, when, and each member
 * added and removed. A dry run is recorded too, with no approver and nothing applied.
 */
export const agreementGroupRunSchema = new Schema(
  {
    schoolId: { type: String, required: true },
    provider: { type: String, enum: ['google', 'entra'], required: true },
    group: { type: String, required: true },
    dryRun: { type: Boolean, required: true },
    /** Email of the person in the directory who approved applying it. */
    approvedBy: { type: String },
    at: { type: Date, required: true },
    /** `applying` until every change was tried; a run left `applying` stopped part-way. */
    status: { type: String, enum: ['planned', 'applying', 'done'], required: true },
    adds: { type: [changeSchema], default: [] },
    removes: { type: [changeSchema], default: [] },
    /** Unsigned people the group cannot hold: no email (Google) or no Entra object id. */
    noAccount: { type: [String], default: [] },
  },
  { strict: 'throw', versionKey: false },
);
agreementGroupRunSchema.index({ schoolId: 1, at: -1 });

/** A stored group-sync run. */
export type AgreementGroupRun = InferSchemaType<typeof agreementGroupRunSchema>;
