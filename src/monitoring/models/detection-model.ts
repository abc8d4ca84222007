import { Schema, type InferSchemaType, type Model } from 'mongoose';
import { CATEGORIES, FAMILIES, RECORD_KINDS, SEVERITIES } from '../types.js';

/**
 * A stored detection: repeats of one fold key inside one fold window, folded (B4). Metadata only (B5): no
 * file titles, subjects, bodies or contents. `_id` is deterministic (`school|foldKey|bucket`) so that storing
 * is idempotent; counts and ids are recomputed from `detection_events`, never incremented blindly.
 */
export const detectionSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    ruleId: { type: String, required: true },
    family: { type: String, enum: FAMILIES, required: true },
    severity: { type: String, enum: SEVERITIES, required: true },
    /** 0 = low … 3 = critical, for sorting and for only ever raising severity. */
    severityRank: { type: Number, required: true },
    category: { type: String, enum: CATEGORIES, required: true },
    source: { type: String, enum: ['google', 'microsoft'], required: true },
    kind: { type: String, enum: RECORD_KINDS, required: true },
    foldKey: { type: String, required: true },
    /** Start of the fold window this detection covers (ms since the epoch / window length). */
    bucket: { type: Number, required: true },
    count: { type: Number, required: true, default: 0 },
    eventIds: { type: [String], default: [] },
    firstSeen: { type: Date },
    lastSeen: { type: Date },
    actor: { type: String, default: '' },
    actorRole: { type: String },
    target: { type: String },
    objectId: { type: String },
    /** SharePoint / OneDrive: the site and list of the item `objectId` names (for remediation through Graph). */
    siteUrl: { type: String },
    listId: { type: String },
    looksLikePupilData: { type: Boolean, default: false },
    pupilInvolved: { type: Boolean, default: false },
    /** An account-safety detection about this admin account (severity raised for it). */
    adminAccount: { type: String },
    /** May involve an indecent image of a child (B5): the case shows "do not view" and no link to the item. */
    mayInvolveIndecentImage: { type: Boolean, default: false },
    summary: { type: String, required: true },
    runbook: { type: String, required: true },
    /** Set by the cases work when the detection is routed to the DSL channel. */
    caseId: { type: String },
    /** Set by the cases work when the detection is routed to the IT queue instead. */
    itMatterId: { type: String },
  },
  { timestamps: true, strict: 'throw' },
);
detectionSchema.index({ schoolId: 1, lastSeen: -1 });
detectionSchema.index({ schoolId: 1, severityRank: -1, lastSeen: -1 });
detectionSchema.index({ schoolId: 1, family: 1, lastSeen: -1 });

/** A detection as stored. */
export type StoredDetection = InferSchemaType<typeof detectionSchema>;
/** The detections model. */
export type DetectionModel = Model<StoredDetection>;

/**
 * One raw detection as a connector handed it over, under its idempotency key (`_id: school|key`). Inserting
 * it is the once-only decision (a duplicate key means "already stored"); the folded detection's count is the
 * sum of its events' counts.
 */
export const detectionEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    detectionId: { type: String, required: true },
    count: { type: Number, required: true },
    eventIds: { type: [String], default: [] },
    /** First and last event time this raw detection covers. */
    at: { type: Date },
    last: { type: Date },
  },
  { timestamps: { createdAt: true, updatedAt: false }, strict: 'throw' },
);
detectionEventSchema.index({ detectionId: 1, at: 1 });
// For the daily clean-up (cleanup.ts), which deletes keys by event time.
detectionEventSchema.index({ schoolId: 1, last: 1 });

/** A stored detection event. */
export type StoredDetectionEvent = InferSchemaType<typeof detectionEventSchema>;
/** The detection events model. */
export type DetectionEventModel = Model<StoredDetectionEvent>;
