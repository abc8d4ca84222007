import { Schema } from 'mongoose';

/**
 * One notice of one withdrawal to one recipient (a class teacher in Teams, or the office by email). `_id` is
 * `<schoolId>:<pupilId>:<kind>:<seq>:<recipient>`, so the unique insert that claims it is what makes each notice go once.
 */
export const withdrawalNoticeSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    pupilId: { type: String, required: true },
    kind: { type: String, required: true },
    /** The consent record's seq for this pupil and kind. */
    seq: { type: Number, required: true },
    /** `teacher:<personId>` or `office`. */
    recipient: { type: String, required: true },
    status: { type: String, enum: ['claimed', 'sent', 'not-installed'], required: true },
    claimedAt: { type: Date, required: true },
    sentAt: { type: Date },
  },
  { strict: 'throw', versionKey: false },
);
withdrawalNoticeSchema.index({ schoolId: 1, claimedAt: 1 });
