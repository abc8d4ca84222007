import { Schema } from 'mongoose';

/** Who did something to a case: a DSL team member, a reporter, or Lantern itself. */
export interface Actor {
  email: string;
  name: string;
}

/** Lantern as an actor (detections, escalation jobs, retention). */
export const LANTERN_ACTOR: Actor = { email: 'lantern@system', name: 'Lantern' };

/** What a timeline entry records. */
export const TIMELINE_ACTIONS = [
  'opened',
  'acknowledged',
  'assigned',
  'note',
  'escalated',
  'remediation-requested',
  'remediation-approved',
  'false-positive',
  'linked',
  'closed',
  'reopened',
  'detection-joined',
  'escalated-to-deputy',
  'escalation-told',
  'escalation-failed',
  'escalation-seen',
  'legal-hold',
  'anonymised',
  'channel-posted',
  'suppressed',
  'redacted',
  'reclassified',
  'people-changed',
  'breach-flagged',
  'breach-decided',
  'dpo-told',
  'action',
] as const;
export type TimelineAction = (typeof TIMELINE_ACTIONS)[number];

/**
 * An earlier entry a `redacted` entry made safe when the case became "do not view": its position, the hash it was
 * written (and sealed) with, and the hash of its content as redacted. The chain keeps linking by `hash`.
 */
export interface RedactedEntry {
  seq: number;
  hash: string;
  redactedHash: string;
}

/** One entry of a case's append-only timeline, as stored. */
export interface TimelineEntry {
  caseId: string;
  schoolId: string;
  /** 1 for the opening entry; each next entry takes seq + 1 by a unique insert. */
  seq: number;
  at: Date;
  by: Actor;
  action: TimelineAction;
  /** The case fields the entry changed, as they were before … */
  before: Record<string, unknown>;
  /** … and after; folding every `after` in order rebuilds the case. */
  after: Record<string, unknown>;
  /** Free text (a note, a reason); plain text, never rendered as markup. */
  note: string | null;
  /** On a `redacted` entry only: the earlier entries whose links, file names and item ids it removed (hashed with it). */
  redacts?: RedactedEntry[];
  /** Hash of the previous entry ('' for the first), so an edit, insert or deletion breaks the chain. */
  prevHash: string;
  hash: string;
  /** The entry's seal (HMAC of `hash` under the integrity key, held outside the database); see integrity/seal.ts. */
  mac?: string | null;
  /** Set when the entry was sealed by the one-off migration rather than when written. */
  anchoredAt?: Date | null;
}

export const timelineSchema = new Schema<TimelineEntry>(
  {
    caseId: { type: String, required: true },
    schoolId: { type: String, required: true },
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    by: { type: new Schema({ email: String, name: String }, { _id: false }), required: true },
    action: { type: String, enum: TIMELINE_ACTIONS, required: true },
    before: { type: Schema.Types.Mixed, default: {} },
    after: { type: Schema.Types.Mixed, default: {} },
    note: { type: String, default: null },
    // No default: entries without it hash as they always did.
    redacts: { type: Schema.Types.Mixed },
    prevHash: { type: String, default: '' },
    hash: { type: String, required: true },
    mac: { type: String },
    anchoredAt: { type: Date },
  },
  { versionKey: false, minimize: false },
);
// The optimistic concurrency of the whole case: two writers of seq n+1 → exactly one insert succeeds.
timelineSchema.index({ caseId: 1, seq: 1 }, { unique: true });
timelineSchema.index({ schoolId: 1, at: 1 });

/** One view of, or attempt on, a case: written for every card refresh, action, export and refusal. */
export const accessLogSchema = new Schema(
  {
    schoolId: { type: String, default: null },
    caseId: { type: String, default: null },
    who: { type: String, required: true },
    /** view | act | export | refused */
    kind: { type: String, enum: ['view', 'act', 'export', 'refused'], required: true },
    what: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
accessLogSchema.index({ schoolId: 1, at: -1 });
accessLogSchema.index({ caseId: 1, at: -1 });
