import { Schema } from 'mongoose';

/**
 * One email to one parent about one child: the first email of a round (`step` 0) or a reminder (`step` = the
 * reminder's day). `_id` is `<schoolId>:<round>:<parentId>:<pupilId>:<step>`, so the unique insert that claims it
 * is what stops a re-run, a second instance or a retried job from emailing twice.
 */
export const parentSendSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    round: { type: String, required: true },
    parentId: { type: String, required: true },
    pupilId: { type: String, required: true },
    step: { type: Number, required: true },
    purpose: { type: String, enum: ['consent', 'review'], required: true },
    status: { type: String, enum: ['claimed', 'sent'], required: true },
    claimedAt: { type: Date, required: true },
    sentAt: { type: Date },
    providerMessageId: { type: String },
    /** Who approved the round's send (`lantern parents send --by NAME`); on the first emails of a round. */
    approvedBy: { type: String },
  },
  { strict: 'throw', versionKey: false },
);
parentSendSchema.index({ schoolId: 1, round: 1, step: 1 });
