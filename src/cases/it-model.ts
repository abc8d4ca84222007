import { Schema, type InferSchemaType } from 'mongoose';
import { CATEGORIES, SEVERITIES } from './case-model.js';

/** Where an IT matter is: open in the IT queue, sent over to the DSL (a case now holds it), or closed by IT. */
export const IT_MATTER_STATUSES = ['open', 'sent-to-dsl', 'closed'] as const;
/** An IT matter's status. */
export type ItMatterStatus = (typeof IT_MATTER_STATUSES)[number];

const actorRef = new Schema({ email: { type: String, required: true }, name: { type: String, required: true } }, { _id: false });

/**
 * A pure IT-security matter (no child, no pupil data, no safeguarding risk) in the IT queue. It is kept apart
 * from DSL cases: the DSL views never read this collection, and the IT team never reads cases. "Send to the
 * DSL" opens a case from it and links the two (`sentToDsl` here, `itMatter` on the case).
 */
export const itMatterSchema = new Schema(
  {
    schoolId: { type: String, required: true },
    matterId: { type: String, required: true },
    /** e.g. IT-1F2A9C3B: short enough to say on the phone. */
    number: { type: String, required: true },
    openedAt: { type: Date, required: true },
    status: { type: String, enum: IT_MATTER_STATUSES, required: true, default: 'open' },
    family: { type: String, required: true },
    severity: { type: String, enum: SEVERITIES, required: true },
    category: { type: String, enum: CATEGORIES, required: true },
    /** Plain English from the rule; never a file title, subject or body. */
    summary: { type: String, required: true },
    detections: { type: [Schema.Types.Mixed], default: [] },
    objectKeys: { type: [String], default: [] },
    sentToDsl: {
      type: new Schema({ caseId: String, number: String, by: actorRef, at: Date }, { _id: false }),
      default: null,
    },
    /** Who closed it from the IT view, when and why (IT matters are closed by the IT team, never by Lantern). */
    closed: {
      type: new Schema({ by: actorRef, at: Date, reason: String }, { _id: false }),
      default: null,
    },
    /** The card in the IT channel, once posted. */
    channelMessage: { type: Schema.Types.Mixed, default: null },
    /** Set while the card could not be posted to the IT channel. */
    channelPending: { type: Boolean, default: false },
  },
  { timestamps: true, minimize: false },
);
itMatterSchema.index({ schoolId: 1, matterId: 1 }, { unique: true });
itMatterSchema.index({ schoolId: 1, objectKeys: 1, status: 1 });
itMatterSchema.index({ schoolId: 1, status: 1, openedAt: -1 });

/** An IT matter as stored. */
export type ItMatterDoc = InferSchemaType<typeof itMatterSchema>;
