import { Schema, type InferSchemaType } from 'mongoose';

/** The outcomes a checklist item of the annual review can have. */
export const CHECKLIST_OUTCOMES = ['met', 'partly', 'not-met'] as const;

/** The results a filter check can have. */
export const FILTER_CHECK_RESULTS = ['pass', 'fail'] as const;

/** Where a filter check was logged. */
export const FILTER_CHECK_CHANNELS = ['teams', 'cli'] as const;

/** The annual filtering and monitoring review (DfE standards): who took part, the checklist, the actions agreed. */
export const fnmReviewSchema = new Schema(
  {
    schoolId: { type: String, required: true },
    reviewedOn: { type: Date, required: true },
    participants: { type: [String], required: true },
    checklist: {
      type: [{ _id: false, item: { type: String, required: true }, outcome: { type: String, enum: CHECKLIST_OUTCOMES, required: true }, note: { type: String } }],
      required: true,
    },
    actions: { type: [String], default: [] },
    recordedBy: { type: String, required: true },
    recordedAt: { type: Date, required: true },
  },
  { strict: 'throw' },
);
fnmReviewSchema.index({ schoolId: 1, reviewedOn: -1 });

/** An annual review as stored. */
export interface FnmReview {
  schoolId: string;
  reviewedOn: Date;
  participants: string[];
  checklist: { item: string; outcome: (typeof CHECKLIST_OUTCOMES)[number]; note?: string | null }[];
  actions: string[];
  recordedBy: string;
  recordedAt: Date;
}

/** One regular filter check by IT: what was tested, the result, who checked and where it was logged. */
export const filterCheckSchema = new Schema(
  {
    schoolId: { type: String, required: true },
    checkedAt: { type: Date, required: true },
    checkedBy: { type: String, required: true },
    tested: { type: String, required: true },
    result: { type: String, enum: FILTER_CHECK_RESULTS, required: true },
    note: { type: String },
    via: { type: String, enum: FILTER_CHECK_CHANNELS, required: true },
  },
  { strict: 'throw' },
);
filterCheckSchema.index({ schoolId: 1, checkedAt: -1 });

/** A filter check as stored. */
export type FilterCheck = InferSchemaType<typeof filterCheckSchema>;
