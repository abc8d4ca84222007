import type { Agency, Category, CaseSource, CaseStatus, Severity } from './case-model.js';
import type { OutcomeCategory } from './outcomes.js';
import type { Actor, TimelineEntry } from './timeline-model.js';

/** A referral to an outside agency, with the reference it gave. */
export interface Referral {
  agency: Agency;
  reference: string;
  /** When it was recorded. */
  at: Date;
  by: Actor;
  /** The day the referral was made ("YYYY-MM-DD"), when the DSL gave it (older referrals: the day recorded). */
  madeOn?: string;
}

/** Something the school did about the case, and who it told (e.g. "parent — mother", "class teacher"). */
export interface ActionTaken {
  what: string;
  /** Who was informed, as the DSL wrote it; '' when nobody was. */
  informed: string;
  /** When it was done (midnight UTC of the day when the time was not given). */
  at: Date | string;
  timeUnknown: boolean;
  by: Actor;
  recordedAt: Date | string;
}

/** A detection linked to a case (a summary only: never content). */
export interface LinkedDetection {
  detectionId: string;
  ruleId: string;
  family: string;
  at: Date;
  /** The item's opaque id (a Drive file id), for remediation; never its title. */
  objectId?: string;
  /** Whoever acted (the item's owner for sharing), for remediation. */
  actor?: string;
  /** The counterparty (a forwarding address), for remediation. */
  target?: string;
  /** SharePoint / OneDrive: the site and list of the item (`objectId` is its list-item id), for remediation. */
  location?: { siteUrl: string; listId: string };
}

/** A remediation someone asked for on a case, and whether it was carried out. */
export interface RemediationRequest {
  id: string;
  kind: string;
  requestedBy: Actor;
  at: Date;
  approvedBy?: Actor;
  result?: unknown;
}

/** A monitoring suppression made from a false-positive case (its id is in the monitoring change log). */
export interface CaseSuppression {
  id: string;
  ruleId: string;
  actor?: string;
  objectId?: string;
  expiresAt: string;
  /** Display name of the DSL team member who approved it. */
  by: string;
}

/** One rung of the escalation ladder that was reached: who, how and when. */
export interface EscalationTold {
  rung: number;
  email: string;
  name: string;
  role: string;
  /** Teams personal chat, a mention in the DSL channel, or both. */
  how: string;
  at: Date | string;
}

/** How the 72-hour personal-data breach clock was started: by a detection, or by the DSL team ("possible personal-data breach"). */
export type BreachHow = 'detection' | 'manual';

/** The data protection officer's decision on a possible breach (UK GDPR Art. 33), as recorded. */
export type BreachDecision =
  | { reported: true; icoReference: string; reportedOn: string; by: Actor; at: Date | string }
  | { reported: false; reason: string; by: Actor; at: Date | string };

/** Someone off the DSL team (the head, an out-of-hours contact) who saw the escalation: it stops, they do not take the case. */
export interface EscalationSeen {
  email: string;
  name: string;
  at: Date | string;
}

/** The case as its timeline says it is: the fields the case document caches. */
export interface CaseState {
  status: CaseStatus;
  severity: Severity;
  category: Category;
  source: CaseSource;
  summary: string;
  where: string;
  /** Other people involved, as the reporter named them (staff, people outside school); null when none. */
  involved: string | null;
  happenedAt: Date | null;
  /** The reporter gave the day but not the time: `happenedAt` is that day, shown as "time not known". */
  happenedTimeUnknown: boolean;
  /** What the child said, in their own words, kept apart from the reporter's account and shown verbatim. */
  childWords: string | null;
  subjects: string[];
  reporter: Actor | null;
  assignee: Actor | null;
  acknowledgedAt: Date | null;
  detections: LinkedDetection[];
  referrals: Referral[];
  linkedCases: string[];
  outcome: string | null;
  /** The outcome's category on closing (null on older records and false positives). */
  outcomeCategory: OutcomeCategory | null;
  /** Actions taken and who was informed, in the order recorded. */
  actionsTaken: ActionTaken[];
  /** Set by "mark false positive"; `suppression` once similar alerts were suppressed from the case. */
  falsePositive: { reason: string; suppressionRequested: boolean; suppression?: CaseSuppression } | null;
  remediationRequests: RemediationRequest[];
  doNotView: boolean;
  dpoDeadline: Date | null;
  /** How the breach clock started (null: no clock, or a case from before this was recorded, which a detection started). */
  breachHow: BreachHow | null;
  breachDecision: BreachDecision | null;
  retentionUntil: Date | null;
  retentionBasis: string | null;
  legalHold: boolean;
  objectKeys: string[];
  escalatedToDeputyAt: Date | null;
  /** Who the escalation ladder reached, and when (a rung is recorded only once it was delivered). */
  escalations: EscalationTold[];
  /** Who off the DSL team saw the escalation card and stopped the ladder (never the assignee). */
  seenBy: EscalationSeen[];
  anonymisedAt: Date | null;
  /** The IT matter this case was sent over from (its number), when the IT team sent it to the DSL. */
  itMatter: string | null;
}

/** The cached fields, for copying a state onto a case document. */
export const STATE_FIELDS = [
  'status', 'severity', 'category', 'source', 'summary', 'where', 'involved', 'happenedAt', 'happenedTimeUnknown', 'childWords', 'subjects', 'reporter', 'assignee',
  'acknowledgedAt', 'detections', 'referrals', 'linkedCases', 'outcome', 'outcomeCategory', 'actionsTaken', 'falsePositive', 'remediationRequests',
  'doNotView', 'dpoDeadline', 'breachHow', 'breachDecision', 'retentionUntil', 'retentionBasis', 'legalHold', 'objectKeys', 'escalatedToDeputyAt', 'escalations', 'seenBy', 'anonymisedAt', 'itMatter',
] as const satisfies readonly (keyof CaseState)[];

const DATE_FIELDS = ['happenedAt', 'acknowledgedAt', 'dpoDeadline', 'retentionUntil', 'escalatedToDeputyAt', 'anonymisedAt'] as const;

const EMPTY: CaseState = {
  status: 'new', severity: 'medium', category: 'conduct', source: 'manual', summary: '', where: '', involved: null, happenedAt: null, happenedTimeUnknown: false, childWords: null,
  subjects: [], reporter: null, assignee: null, acknowledgedAt: null, detections: [], referrals: [], linkedCases: [],
  outcome: null, outcomeCategory: null, actionsTaken: [], falsePositive: null, remediationRequests: [], doNotView: false, dpoDeadline: null, breachHow: null, breachDecision: null, retentionUntil: null,
  retentionBasis: null, legalHold: false, objectKeys: [], escalatedToDeputyAt: null, escalations: [], seenBy: [], anonymisedAt: null, itMatter: null,
};

/** Folds a case's timeline, in seq order, into its state: each entry's `after` overwrites the fields it names. */
export function foldTimeline(entries: readonly Pick<TimelineEntry, 'after'>[]): CaseState {
  const state = structuredClone(EMPTY) as unknown as Record<string, unknown>;
  for (const entry of entries) {
    for (const field of STATE_FIELDS) {
      if (Object.hasOwn(entry.after, field)) state[field] = entry.after[field];
    }
  }
  // The timeline stores dates as ISO strings (what is hashed is what is stored); the state uses Dates.
  for (const field of DATE_FIELDS) {
    const value = state[field];
    if (typeof value === 'string') state[field] = new Date(value);
  }
  return state as unknown as CaseState;
}

/** Picks the cached fields of a case document (or state) for comparison. */
export function pickState(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // A document written before a field existed lacks it: it holds the field's starting value, as the fold does.
  for (const field of STATE_FIELDS) out[field] = doc[field] ?? EMPTY[field] ?? null;
  return out;
}
