import { Schema, type InferSchemaType } from 'mongoose';

/** A version issued to an audience with a due date, reminders and escalation. */
export const agreementCampaignSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    /** Idempotency key: issuing the same policy, version and key twice returns the first campaign. */
    key: { type: String, required: true },
    versionId: { type: String, required: true },
    policyId: { type: String, required: true },
    audience: { type: Schema.Types.Mixed, required: true },
    dueAt: { type: Date, required: true },
    /** Days after issue on which unsigned recipients get a reminder, e.g. [3, 7, 14]. */
    reminderDays: { type: [Number], default: [] },
    /** Email of the person told, after the last reminder, who has still not signed. */
    escalateTo: { type: String },
    createdBy: { type: String, required: true },
    reason: { type: String, required: true },
    status: { type: String, enum: ['open', 'closed'], default: 'open' },
    createdAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);
agreementCampaignSchema.index({ schoolId: 1, policyId: 1, versionId: 1, key: 1 }, { unique: true });
agreementCampaignSchema.index({ schoolId: 1, status: 1 });

/** A stored campaign. */
export type AgreementCampaign = InferSchemaType<typeof agreementCampaignSchema> & { _id: string };

/**
 * One card to one person for one campaign round (0 = the first card, n = the n-th reminder, -1 = the
 * escalation). Created by a unique insert on `_id`, so a re-run of a campaign never queues anyone twice,
 * and never updated afterwards: on FerretDB an update rewrites by scanning the collection, an insert does
 * not, so the outcome is a separate insert (agreement_send_results).
 */
export const agreementSendSchema = new Schema(
  {
    /** `<campaignId>:<personId>:<round>` (a class prompt: `<campaignId>:<teacherId>@<form>:<round>`). */
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    campaignId: { type: String, required: true },
    personId: { type: String, required: true },
    round: { type: Number, required: true },
    /** Not before. */
    dueAt: { type: Date, required: true },
    /**
     * A late joiner's own sign-by date: as long from their first card as the campaign gave everyone (so they
     * are never overdue on day one). Unset for everyone else, whose date is the campaign's.
     */
    signBy: { type: Date },
    /** Set on a class teacher's prompt to record the class agreement for this form (the person is the teacher). */
    form: { type: String },
    /** Sent with the activity so the connector can drop a repeat after a crash (see send-queue.ts). */
    deliveryId: { type: String, required: true },
  },
  { strict: 'throw', versionKey: false },
);
agreementSendSchema.index({ campaignId: 1, dueAt: 1 });
agreementSendSchema.index({ schoolId: 1, dueAt: 1 });

/** A queued send. */
export type AgreementSend = InferSchemaType<typeof agreementSendSchema> & { _id: string };

/**
 * The sends still owed an outcome: a copy of each queued send, inserted before the send itself and deleted
 * (by `_id`) once its outcome is recorded. The queue worker reads only this, so its size follows the work
 * in hand rather than the year's history: a run with nothing to send is one read of an empty collection
 * (FerretDB reads a whole collection on each query, indexes or not). Losing a row's deletion is harmless:
 * the worker finds the outcome on its next attempt (a taken claim) and deletes it then.
 */
export const agreementOpenSendSchema = agreementSendSchema.clone().clearIndexes();
agreementOpenSendSchema.index({ schoolId: 1, campaignId: 1 });

/** How a send ended; written once, by unique insert on the send's id. */
export const agreementSendResultSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    campaignId: { type: String, required: true },
    personId: { type: String, required: true },
    round: { type: Number, required: true },
    status: { type: String, enum: ['sent', 'unreachable', 'skipped', 'failed'], required: true },
    attempts: { type: Number, required: true },
    at: { type: Date, required: true },
    detail: { type: String },
  },
  { versionKey: false },
);
agreementSendResultSchema.index({ campaignId: 1, status: 1 });
agreementSendResultSchema.index({ schoolId: 1 });

/** A stored send outcome. */
export type AgreementSendResult = InferSchemaType<typeof agreementSendResultSchema> & { _id: string };

/**
 * A claim on one attempt at one send (`<sendId>#<attempt>`): inserting it is what gives one worker the
 * right to post that card; a claim older than the lease belongs to a worker that died.
 */
export const agreementSendClaimSchema = new Schema(
  {
    _id: { type: String, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
