import type { RecordKind, Source } from '../types.js';
import type { JsonObject } from './read.js';

/** What every normalised record offers, whatever its vendor shape. */
interface RecordBase {
  readonly kind: RecordKind;
  readonly source: Source;
  /** The vendor's id for the record (see Detection.eventIds). */
  readonly id: string;
  /** The event time as the vendor wrote it. */
  readonly timeText: string;
  /** Email / UPN of whoever acted, lower-cased; '' when unknown. */
  readonly actor: string;
  /** The record as received, for rules that read vendor-specific fields. */
  readonly raw: JsonObject;
}

/** One event inside a Reports API activity. */
export interface GoogleEvent {
  readonly name: string;
  readonly type: string;
  readonly parameters: readonly unknown[];
}

/** An Admin SDK Reports API `Activity` (`activities.list` item). */
export interface GoogleActivity extends RecordBase {
  readonly kind: 'google.reports.activity';
  readonly source: 'google';
  /** `id.applicationName`: drive, login, token, admin, user_accounts, calendar, gmail… */
  readonly application: string;
  readonly events: readonly GoogleEvent[];
}

/** An Office 365 Management Activity API record (common schema). */
export interface O365Record extends RecordBase {
  readonly kind: 'o365.management.activity';
  readonly source: 'microsoft';
  readonly operation: string;
  readonly workload: string;
}

/** A Microsoft Graph `signIn`. */
export interface GraphSignIn extends RecordBase {
  readonly kind: 'graph.signIn';
  readonly source: 'microsoft';
}

/** A Microsoft Graph `directoryAudit`. */
export interface GraphDirectoryAudit extends RecordBase {
  readonly kind: 'graph.directoryAudit';
  readonly source: 'microsoft';
  readonly activity: string;
}

/** A Microsoft Graph security `alert` (v2). */
export interface GraphAlert extends RecordBase {
  readonly kind: 'graph.alert';
  readonly source: 'microsoft';
}

/** A Google Workspace Alert Center `Alert` (`alerts.list` item). */
export interface GoogleAlert extends RecordBase {
  readonly kind: 'google.alert';
  readonly source: 'google';
  /** The alert type as the API names it ("User reported phishing", "Leaked password"…). */
  readonly type: string;
}

/** Any record the rules understand. */
export type AuditRecord = GoogleActivity | O365Record | GraphSignIn | GraphDirectoryAudit | GraphAlert | GoogleAlert;
