import { Schema, type InferSchemaType } from 'mongoose';

/** What a request row stands for: someone asked to sign, a pupil agreeing in class, a class teacher's prompt, or the escalation. */
export const REQUEST_KINDS = ['signer', 'pupil', 'prompt', 'escalation'] as const;

/**
 * The follow-up tick's working set: one row per open campaign and target (a self-signing person, a pupil, a
 * class teacher's prompt for one form, the escalation), so a pass reads these rows and never the year's
 * signatures or sent cards (FerretDB reads a whole collection on each query). The tick adopts targets that
 * have no row yet (issue, joiners, an upgrade) from the sends and signatures once; the signing path keeps
 * `done` true to the latest record about each subject; rows of closed campaigns are deleted by the tick.
 */
export const agreementOpenRequestSchema = new Schema(
  {
    /** The target's first card id (`<campaignId>:<target>:0`); the escalation's is its card's (`…:-1`). */
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    campaignId: { type: String, required: true },
    kind: { type: String, enum: REQUEST_KINDS, required: true },
    /** The person whose records decide `done` (a signer or a pupil); unset on prompts and the escalation. */
    subject: { type: String },
    /** Which records count: the campaign's policy, its version's sign group and, for a yearly one, the academic year. */
    policyId: { type: String, required: true },
    signGroup: { type: Number, required: true },
    period: { type: String, required: true },
    /** A prompt's class teacher and form. */
    teacherId: { type: String },
    form: { type: String },
    /** When the first card was queued: reminders count from it. Unset on pupils. */
    firstAt: { type: Date },
    /** A late joiner's own sign-by date, carried onto their reminders. */
    signBy: { type: Date },
    /** The latest reminder round queued (0: none yet). */
    step: { type: Number, default: 0 },
    /** Whether the subject's latest counting record completes the version. */
    done: { type: Boolean, default: false },
    /** The seq of the record `done` reflects: 0 when none, -1 while the tick is still reading the signatures. */
    seq: { type: Number, default: -1 },
  },
  { strict: 'throw', versionKey: false },
);
agreementOpenRequestSchema.index({ schoolId: 1, campaignId: 1 });
agreementOpenRequestSchema.index({ schoolId: 1, subject: 1 });

/** A stored request row. */
export type AgreementOpenRequest = InferSchemaType<typeof agreementOpenRequestSchema> & { _id: string };
