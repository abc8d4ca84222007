import { Schema } from 'mongoose';

/** The emails to the DPO about one possible breach: the first notice, then reminders at 48 and 66 hours. */
export const BREACH_NOTICES = ['told', '48h', '66h'] as const;
export type BreachNoticeKind = (typeof BREACH_NOTICES)[number];

/**
 * One email to the DPO: `_id` is `${caseId}:${kind}`, so of two instances only the one whose insert succeeds
 * sends it. `sentAt` stays null while sending; a claim left unsent by a crash is taken again after a while.
 * `skipped` marks a reminder overtaken by a later one (the clock started before the DPO was configured).
 */
export const breachNoticeSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    caseId: { type: String, required: true },
    kind: { type: String, enum: BREACH_NOTICES, required: true },
    claimedAt: { type: Date, required: true },
    sentAt: { type: Date, default: null },
    skipped: { type: Boolean, default: false },
    providerMessageId: { type: String, default: null },
  },
  { versionKey: false },
);
breachNoticeSchema.index({ schoolId: 1, caseId: 1 });
