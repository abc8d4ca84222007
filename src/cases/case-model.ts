import { Schema, type InferSchemaType } from 'mongoose';

/** Where a case is in its life: new → acknowledged → investigating → escalated → closed (reopen goes back to investigating). */
export const CASE_STATUSES = ['new', 'acknowledged', 'investigating', 'escalated', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** How serious a case is; the same scale the monitoring engine uses. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The 4 Cs of online safety (KCSIE) plus security. */
export const CATEGORIES = ['content', 'contact', 'conduct', 'commerce', 'security'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Where a case came from. */
export const CASE_SOURCES = ['concern', 'detection', 'manual'] as const;
export type CaseSource = (typeof CASE_SOURCES)[number];

/** Agencies a case can be referred to. */
export const AGENCIES = ['social-care', 'police', 'lado', 'early-help', 'camhs', 'ceop', 'other'] as const;
export type Agency = (typeof AGENCIES)[number];

const personRef = new Schema({ email: { type: String, required: true }, name: { type: String, required: true } }, { _id: false });

/**
 * A case as the DSL team sees it. Everything below `number` is a CACHE of the case's timeline (the timeline is
 * the record): it is written by whoever appended the latest entry and rebuilt from the timeline when stale
 * (`version` lags the head of the timeline) or on `lantern cases verify --repair`.
 */
export const caseSchema = new Schema(
  {
    schoolId: { type: String, required: true },
    caseId: { type: String, required: true },
    /** e.g. NGP-2026-0042; allocated by a unique insert into case_numbers. */
    number: { type: String, required: true },
    openedAt: { type: Date, required: true },
    /** Sequence number of the last timeline entry folded into this cache. */
    version: { type: Number, required: true, default: 0 },
    status: { type: String, enum: CASE_STATUSES, required: true },
    severity: { type: String, enum: SEVERITIES, required: true },
    category: { type: String, enum: CATEGORIES, required: true },
    source: { type: String, enum: CASE_SOURCES, required: true },
    summary: { type: String, required: true },
    where: { type: String, default: '' },
    involved: { type: String, default: null },
    happenedAt: { type: Date, default: null },
    /** The reporter gave the day only: shown as "time not known". */
    happenedTimeUnknown: { type: Boolean, default: false },
    /** What the child said, in their own words. */
    childWords: { type: String, default: null },
    subjects: { type: [String], default: [] },
    reporter: { type: personRef, default: null },
    assignee: { type: personRef, default: null },
    acknowledgedAt: { type: Date, default: null },
    detections: { type: [Schema.Types.Mixed], default: [] },
    referrals: { type: [Schema.Types.Mixed], default: [] },
    linkedCases: { type: [String], default: [] },
    outcome: { type: String, default: null },
    outcomeCategory: { type: String, default: null },
    /** Actions taken and who was informed (see state.ts ActionTaken). */
    actionsTaken: { type: [Schema.Types.Mixed], default: [] },
    falsePositive: { type: Schema.Types.Mixed, default: null },
    remediationRequests: { type: [Schema.Types.Mixed], default: [] },
    /** The item may involve an indecent image of a child: never link to it, show a "do not view" banner. */
    doNotView: { type: Boolean, default: false },
    /** UK GDPR personal-data breach: the DPO must decide on reporting to the ICO within 72 hours. */
    dpoDeadline: { type: Date, default: null },
    /** How the breach clock started: detection | manual. */
    breachHow: { type: String, default: null },
    /** The DPO's decision: reported to the ICO (date, reference) or not, with the reason. */
    breachDecision: { type: Schema.Types.Mixed, default: null },
    retentionUntil: { type: Date, default: null },
    retentionBasis: { type: String, default: null },
    legalHold: { type: Boolean, default: false },
    /** The object / subject a detection was about, so later detections can join the case. */
    objectKeys: { type: [String], default: [] },
    /** The card in the DSL channel, once posted. */
    channelMessage: { type: Schema.Types.Mixed, default: null },
    /** Set while the card could not be posted (no conversation reference for the DSL team yet). */
    channelPending: { type: Boolean, default: false },
    escalatedToDeputyAt: { type: Date, default: null },
    /** Who the escalation ladder reached and when (see state.ts EscalationTold). */
    escalations: { type: [Schema.Types.Mixed], default: [] },
    /** Who off the DSL team saw the escalation and stopped the ladder (see state.ts EscalationSeen). */
    seenBy: { type: [Schema.Types.Mixed], default: [] },
    /** When the deputy DSL was told of the escalation (outside the timeline: a send, not a decision). */
    deputyNotifiedAt: { type: Date, default: null },
    anonymisedAt: { type: Date, default: null },
    /** The IT matter (its number) the IT team sent this case over from. */
    itMatter: { type: String, default: null },
  },
  { timestamps: true, minimize: false },
);
caseSchema.index({ schoolId: 1, caseId: 1 }, { unique: true });
caseSchema.index({ schoolId: 1, number: 1 }, { unique: true });
caseSchema.index({ schoolId: 1, status: 1, openedAt: -1 });
caseSchema.index({ schoolId: 1, objectKeys: 1, status: 1 });
caseSchema.index({ schoolId: 1, subjects: 1 });
caseSchema.index({ schoolId: 1, dpoDeadline: 1 });

/** A case document as stored. */
export type CaseDoc = InferSchemaType<typeof caseSchema>;

/** One allocated case number: `_id` is `${schoolId}:${year}:${n}`, so a number can be taken once only. */
export const caseNumberSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    year: { type: Number, required: true },
    n: { type: Number, required: true },
    caseId: { type: String, required: true },
    /** Set when the case was deleted at the end of its retention: the number stays taken, as a tombstone. */
    deletedAt: { type: Date, default: null },
    deletedBasis: { type: String, default: null },
  },
  { versionKey: false },
);
caseNumberSchema.index({ schoolId: 1, year: 1, n: -1 });

/** One detection taken in by the case capability: `_id` is `${schoolId}:${detectionId}`, so each is routed once. */
export const caseIntakeSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    at: { type: Date, required: true },
    caseId: { type: String, default: null },
    /** Set when the detection went to the IT queue instead of a case. */
    itMatterId: { type: String, default: null },
    outcome: { type: String, default: null },
  },
  { versionKey: false },
);
