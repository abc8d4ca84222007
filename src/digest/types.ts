/**
 * The digest's data, as read from the stores: exact numbers, no names. Presentation (suppression of small
 * counts, wording) happens in present.ts, so every renderer gets the same privacy-safe view.
 */

/** A section either has data, or says honestly why it has none yet. */
export type Section<T> = { state: 'ok'; data: T } | { state: 'no-data'; reason: string };

/** Counts keyed by a label (category, severity, status). */
export type Counts = Record<string, number>;

/** One week of the 12-week trend. */
export interface TrendPoint {
  weekId: string;
  /** "16 Nov". */
  label: string;
  total: number;
  highOrCritical: number;
}

/** D2: incidents (cases) in the week, with the 12-week trend and response times. */
export interface IncidentsData {
  total: number;
  byCategory: Counts;
  bySeverity: Counts;
  byStatus: Counts;
  trend: TrendPoint[];
  /** Medians in hours over cases acknowledged / closed in the week; null when none were. */
  medianHoursToAcknowledge: number | null;
  medianHoursToClose: number | null;
  /** The same over the 12 weeks. */
  medianHoursToAcknowledge12: number | null;
  medianHoursToClose12: number | null;
  /** Open high or critical cases, oldest first: no numbers, names or summaries. */
  openHighCritical: { severity: string; category: string; status: string; ageDays: number }[];
}

/** Completion of one audience row (e.g. "Staff", "Pupils — Year 3"). */
export interface CompletionRow {
  audience: string;
  /** True for rows about pupils (or their parents), whose small counts are suppressed. */
  aboutChildren: boolean;
  required: number;
  done: number;
}

/** D2: agreement completion by audience across open campaigns. */
export interface AgreementsData {
  rows: CompletionRow[];
  /** KS2 parents who countersigned their child's agreement, by year group (counts only; absent in older stored digests). */
  countersigned?: CompletionRow[];
}

/** D2: training self-audit completion. */
export interface TrainingData {
  rows: CompletionRow[];
}

/** D2: policies whose review date has passed, and those due soon (a recorded review moves the date on). */
export interface PoliciesData {
  total: number;
  overdue: { title: string; reviewDue: string; daysOverdue: number; lastReviewed: string | null }[];
  dueSoon: { title: string; reviewDue: string; daysLeft: number; lastReviewed: string | null }[];
}

/** One kind of training across the people who need it: counts only, never names. */
export interface TrainingRecordRow {
  label: string;
  required: number;
  inDate: number;
  dueSoon: number;
  expired: number;
  missing: number;
  /** Governor cyber training: one trained governor is enough. */
  atLeastOne: boolean;
}

/** D2: training records (induction, refresher, DSL, governors). */
export interface TrainingRecordsData {
  rows: TrainingRecordRow[];
}

/** D2: the regular filter checks IT logs. */
export interface FilterChecksData {
  /** ISO time of the last check; null when none was ever logged. */
  lastCheck: string | null;
  lastResult: 'pass' | 'fail' | null;
  everyDays: number;
  /** The last check is older than `everyDays` (or there is none). */
  missed: boolean;
  inWeek: number;
  failedInWeek: number;
}

/** One monitoring connector's health. */
export interface ConnectorHealth {
  connector: string;
  /** ISO time of the last good scan; null when it has never run. */
  lastGoodScan: string | null;
  lagHours: number | null;
  state: 'ok' | 'late' | 'never-run';
}

/** D2: monitoring health and the week's detections. */
export interface MonitoringData {
  connectors: ConnectorHealth[];
  detections: { total: number; byFamily: Counts } | null;
}

/** D2: rule and allowlist changes in the week (what and when; who and why stay with the IT manager). */
export interface RuleChangesData {
  changes: { at: string; type: string; target: string }[];
}

/** D2: the annual filtering and monitoring review. */
export interface AnnualReviewData {
  lastReview: string | null;
  dueBy: string | null;
  overdue: boolean;
  /** `recorded`: a review stored with `lantern fnm review`; `config`: only the older digest.annualReviewDate. */
  source: 'recorded' | 'config';
  /** From a recorded review: how many took part, checklist points not fully met, actions agreed. */
  participants: number | null;
  notMet: number | null;
  actions: number | null;
}

/** Each sealed chain's head at the end of the week, for governors to keep (see integrity/heads.ts). */
export interface IntegrityHeadsData {
  heads: { label: string; entries: number; fingerprint: string; line: string }[];
}

/** Parents' consents now, per consent type: counts of pupils only (small counts are hidden when shown). */
export interface ConsentsData {
  types: { label: string; given: number; notGiven: number; withdrawn: number; notAnswered: number }[];
}

/** Everything one school's digest for one week says. */
export interface DigestData {
  school: { id: string; name: string };
  week: { id: string; label: string; start: string; end: string };
  generatedAt: string;
  incidents: Section<IncidentsData>;
  agreements: Section<AgreementsData>;
  training: Section<TrainingData>;
  trainingRecords: Section<TrainingRecordsData>;
  policies: Section<PoliciesData>;
  monitoring: Section<MonitoringData>;
  ruleChanges: Section<RuleChangesData>;
  annualReview: Section<AnnualReviewData>;
  filterChecks: Section<FilterChecksData>;
  integrity: Section<IntegrityHeadsData>;
  /** Absent in digests stored before the section existed. */
  consents?: Section<ConsentsData>;
}

/** Helper for readers: a section with data. */
export function ok<T>(data: T): Section<T> {
  return { state: 'ok', data };
}

/** Helper for readers: a section without data, and why. */
export function noData<T>(reason: string): Section<T> {
  return { state: 'no-data', reason };
}
