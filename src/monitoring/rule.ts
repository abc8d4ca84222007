import type { AuditRecord } from './records/types.js';
import type { TenantContext, TenantInput } from './tenant.js';
import type { Category, Family, ItemLocation, RecordKind, Severity, Source } from './types.js';

/** Which records a rule wants to see; the engine indexes rules by these so most records skip most rules. */
export type RuleTrigger =
  | { kind: 'google.reports.activity'; applications: readonly string[]; events: readonly string[] | '*' }
  | { kind: 'o365.management.activity'; operations: readonly string[] }
  | { kind: 'graph.signIn' }
  | { kind: 'graph.directoryAudit'; activities: readonly string[] | '*' }
  | { kind: 'graph.alert' }
  | { kind: 'google.alert' };

/** What a rule reports about one record. Plain English, and never a file title or message subject. */
export interface RuleHit {
  summary: string;
  /** The counterparty (recipient, forwarding address, grantee, new owner, app). */
  target?: string;
  /** Opaque id of the object (Drive doc id, SharePoint item id or URL hash, policy id, client id). */
  objectId?: string;
  looksLikePupilData?: boolean;
  /** Accounts affected besides the actor; a pupil among them raises the severity. */
  subjects?: readonly string[];
  /** Overrides the rule's base severity for this record (before raising for pupils). */
  severity?: Severity;
  /** Overrides the rule's default category for this record. */
  category?: Category;
  /** Where a SharePoint / OneDrive item lives (its site and list; never the item's own URL or name), for remediation. */
  location?: ItemLocation;
  /** This record may involve an indecent image of a child: the detection is marked "do not view" (B5). */
  mayInvolveIndecentImage?: boolean;
  /** Threshold rules: what the rolling counter counts by (default: the actor). */
  counterKey?: string;
}

/** A rolling-count condition: `count` matching events by one key within `windowMinutes`. */
export interface RuleThreshold {
  count: number;
  windowMinutes: number;
}

/** A sample for the table-driven rule test: raw vendor records fed in order to a fresh engine. */
export interface RuleSample {
  name: string;
  records: readonly unknown[];
  /** Tenant to evaluate under; defaults to the sample school (fixtures.ts). */
  tenant?: TenantInput;
  /** Extra checks on the (single, folded) detection of a positive sample. */
  expect?: Partial<{ severity: Severity; category: Category; count: number; pupilInvolved: boolean; looksLikePupilData: boolean }>;
}

/**
 * One detection rule (panther-analysis style): metadata, a pure `evaluate`, and positive and negative
 * samples side by side. `evaluate` reads fields defensively and never throws.
 */
export interface Rule {
  /** Stable id, `family.vendor` or `family.vendor.variant`. */
  readonly id: string;
  readonly family: Family;
  readonly source: Source;
  readonly title: string;
  readonly category: Category;
  /** How the category can change (e.g. a pupil sharing with a personal address is `contact`). */
  readonly categoryLogic: string;
  /** Base severity before pupil involvement raises it. */
  readonly severity: Severity;
  readonly severityLogic: string;
  readonly threshold?: RuleThreshold;
  /** Repeats for the same object (or, for threshold rules, the same key) within this many minutes fold into one detection. */
  readonly foldWindowMinutes: number;
  /** One line telling the DSL / IT what to do. */
  readonly runbook: string;
  /** Every detection of this rule may involve an indecent image of a child: all are marked "do not view" (B5). */
  readonly mayInvolveIndecentImage?: boolean;
  readonly triggers: readonly RuleTrigger[];
  evaluate(record: AuditRecord, ctx: TenantContext): RuleHit | undefined;
  readonly samples: { readonly positive: readonly RuleSample[]; readonly negative: readonly RuleSample[] };
}

/** Record kinds a rule reads, for listings. */
export function ruleKinds(rule: Rule): RecordKind[] {
  return [...new Set(rule.triggers.map((t) => t.kind))];
}
