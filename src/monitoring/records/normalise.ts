import type { RecordKind } from '../types.js';
import { detectKind } from './detect-kind.js';
import { asObject, child, text, type JsonObject } from './read.js';
import type { AuditRecord, GoogleActivity, GoogleEvent } from './types.js';

/** Why a record could not be used: an unrecognised shape, or a known shape with broken fields. */
export interface RecordProblem {
  code: 'unknown_kind' | 'malformed';
  kind?: RecordKind;
  message: string;
}

/** Outcome of normalising one raw record. */
export type NormaliseResult = { ok: true; record: AuditRecord } | { ok: false; problem: RecordProblem };

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v === '') return 'an empty string';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function malformed(kind: RecordKind, label: string, field: string, value: unknown, expected: string): NormaliseResult {
  return { ok: false, problem: { code: 'malformed', kind, message: `${label}: ${field} is ${describe(value)}, expected ${expected}` } };
}

const LABEL: Record<RecordKind, string> = {
  'google.reports.activity': 'Reports API activity',
  'o365.management.activity': 'Office 365 Management Activity record',
  'graph.signIn': 'Graph signIn',
  'graph.directoryAudit': 'Graph directoryAudit',
  'graph.alert': 'Graph alert',
  'google.alert': 'Alert Center alert',
};

/** Cheap sanity check for ISO-8601 times ("2025-01-15T09:30:45…"); full parsing is deferred to `recordTime`. */
function looksLikeIsoTime(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 10 && v.charCodeAt(4) === 45 && v.charCodeAt(7) === 45;
}

function idText(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function lower(v: unknown): string {
  return typeof v === 'string' ? v.trim().toLowerCase() : '';
}

function normaliseGoogle(o: JsonObject): NormaliseResult {
  const k = 'google.reports.activity';
  const L = LABEL[k];
  const id = asObject(o.id);
  if (!id) return malformed(k, L, 'id', o.id, 'an object with time, uniqueQualifier and applicationName');
  if (typeof id.applicationName !== 'string' || id.applicationName === '') return malformed(k, L, 'id.applicationName', id.applicationName, 'a non-empty string');
  const uid = idText(id.uniqueQualifier);
  if (uid === undefined) return malformed(k, L, 'id.uniqueQualifier', id.uniqueQualifier, 'a string');
  if (!looksLikeIsoTime(id.time)) return malformed(k, L, 'id.time', id.time, 'an RFC 3339 time');
  if (!Array.isArray(o.events)) return malformed(k, L, 'events', o.events, 'an array');
  // Well-formed events are used as they are (no copy per record on the hot path); only odd ones are rebuilt.
  const raw = o.events as unknown[];
  let events = raw as GoogleEvent[];
  let rebuilt = false;
  for (let i = 0; i < raw.length; i++) {
    const e = raw[i] as JsonObject | null;
    if (e === null || typeof e !== 'object' || typeof e.name !== 'string') return malformed(k, L, `events[${i}].name`, e === null || typeof e !== 'object' ? e : e.name, 'a string');
    const params = e.parameters;
    if (params !== undefined && params !== null && !Array.isArray(params)) return malformed(k, L, `events[${i}].parameters`, params, 'an array');
    const usable = typeof e.type === 'string' && Array.isArray(params);
    if (!usable && !rebuilt) {
      events = raw.slice(0, i) as GoogleEvent[];
      rebuilt = true;
    }
    if (rebuilt) events.push(usable ? (e as unknown as GoogleEvent) : { name: e.name, type: typeof e.type === 'string' ? e.type : '', parameters: (params as unknown[] | null | undefined) ?? [] });
  }
  const actor = o.actor;
  if (actor !== undefined && actor !== null && asObject(actor) === undefined) return malformed(k, L, 'actor', actor, 'an object');
  const record: GoogleActivity = {
    kind: k,
    source: 'google',
    id: uid,
    timeText: id.time,
    actor: lower(asObject(actor)?.email),
    raw: o,
    application: id.applicationName,
    events,
  };
  return { ok: true, record };
}

function normaliseO365(o: JsonObject): NormaliseResult {
  const k = 'o365.management.activity';
  const L = LABEL[k];
  const id = idText(o.Id);
  if (id === undefined) return malformed(k, L, 'Id', o.Id, 'a string');
  if (typeof o.Operation !== 'string' || o.Operation === '') return malformed(k, L, 'Operation', o.Operation, 'a non-empty string');
  if (!looksLikeIsoTime(o.CreationTime)) return malformed(k, L, 'CreationTime', o.CreationTime, 'an ISO-8601 time');
  if (o.Workload !== undefined && typeof o.Workload !== 'string') return malformed(k, L, 'Workload', o.Workload, 'a string');
  if (o.UserId !== undefined && o.UserId !== null && typeof o.UserId !== 'string') return malformed(k, L, 'UserId', o.UserId, 'a string');
  return {
    ok: true,
    record: { kind: k, source: 'microsoft', id, timeText: o.CreationTime, actor: lower(o.UserId), raw: o, operation: o.Operation, workload: text(o, 'Workload') },
  };
}

function normaliseSignIn(o: JsonObject): NormaliseResult {
  const k = 'graph.signIn';
  const id = idText(o.id);
  if (id === undefined) return malformed(k, LABEL[k], 'id', o.id, 'a string');
  if (!looksLikeIsoTime(o.createdDateTime)) return malformed(k, LABEL[k], 'createdDateTime', o.createdDateTime, 'an ISO-8601 time');
  const upn = o.userPrincipalName;
  if (upn !== undefined && upn !== null && typeof upn !== 'string') return malformed(k, LABEL[k], 'userPrincipalName', upn, 'a string or null');
  return { ok: true, record: { kind: k, source: 'microsoft', id, timeText: o.createdDateTime, actor: lower(upn), raw: o } };
}

function normaliseDirectoryAudit(o: JsonObject): NormaliseResult {
  const k = 'graph.directoryAudit';
  const id = idText(o.id);
  if (id === undefined) return malformed(k, LABEL[k], 'id', o.id, 'a string');
  if (!looksLikeIsoTime(o.activityDateTime)) return malformed(k, LABEL[k], 'activityDateTime', o.activityDateTime, 'an ISO-8601 time');
  if (typeof o.activityDisplayName !== 'string') return malformed(k, LABEL[k], 'activityDisplayName', o.activityDisplayName, 'a string');
  const by = child(o, 'initiatedBy');
  const actor = lower(child(by, 'user')?.userPrincipalName) || lower(child(by, 'app')?.displayName);
  return { ok: true, record: { kind: k, source: 'microsoft', id, timeText: o.activityDateTime, actor, raw: o, activity: o.activityDisplayName } };
}

function alertActor(o: JsonObject): string {
  if (!Array.isArray(o.evidence)) return '';
  for (const e of o.evidence) {
    const upn = lower(child(asObject(e), 'userAccount')?.userPrincipalName);
    if (upn) return upn;
  }
  return '';
}

function normaliseAlert(o: JsonObject): NormaliseResult {
  const k = 'graph.alert';
  const id = idText(o.id);
  if (id === undefined) return malformed(k, LABEL[k], 'id', o.id, 'a string');
  if (!looksLikeIsoTime(o.createdDateTime)) return malformed(k, LABEL[k], 'createdDateTime', o.createdDateTime, 'an ISO-8601 time');
  if (typeof o.severity !== 'string') return malformed(k, LABEL[k], 'severity', o.severity, 'a string');
  return { ok: true, record: { kind: k, source: 'microsoft', id, timeText: o.createdDateTime, actor: alertActor(o), raw: o } };
}

/** Who an Alert Center alert is about: the account of a warning, or whoever set off a DLP rule. */
function googleAlertActor(o: JsonObject): string {
  const data = child(o, 'data');
  return lower(data?.email) || lower(child(data, 'ruleViolationInfo')?.triggeringUserEmail);
}

function normaliseGoogleAlert(o: JsonObject): NormaliseResult {
  const k = 'google.alert';
  const id = idText(o.alertId);
  if (id === undefined) return malformed(k, LABEL[k], 'alertId', o.alertId, 'a string');
  if (!looksLikeIsoTime(o.createTime)) return malformed(k, LABEL[k], 'createTime', o.createTime, 'an RFC 3339 time');
  if (typeof o.type !== 'string') return malformed(k, LABEL[k], 'type', o.type, 'a string');
  return { ok: true, record: { kind: k, source: 'google', id, timeText: o.createTime, actor: googleAlertActor(o), raw: o, type: o.type } };
}

/** Detects a raw record's kind and checks the fields every rule relies on; never throws. */
export function normaliseRecord(raw: unknown): NormaliseResult {
  const kind = detectKind(raw);
  const o = raw as JsonObject;
  switch (kind) {
    case 'google.reports.activity':
      return normaliseGoogle(o);
    case 'o365.management.activity':
      return normaliseO365(o);
    case 'graph.signIn':
      return normaliseSignIn(o);
    case 'graph.directoryAudit':
      return normaliseDirectoryAudit(o);
    case 'graph.alert':
      return normaliseAlert(o);
    case 'google.alert':
      return normaliseGoogleAlert(o);
    default:
      return { ok: false, problem: { code: 'unknown_kind', message: unknownKindMessage(raw) } };
  }
}

function unknownKindMessage(raw: unknown): string {
  const o = asObject(raw);
  if (!o) return `not an audit record (${describe(raw)}, expected a JSON object)`;
  const keys = Object.keys(o).slice(0, 6).join(', ');
  return `unknown record kind (keys: ${keys || 'none'}); expected a Reports API activity, an Office 365 Management Activity record, a Graph signIn, directoryAudit or alert, or an Alert Center alert`;
}

/** The record's event time in ms since the epoch (NaN when unreadable). Management API times without a zone are UTC. */
export function recordTime(record: AuditRecord): number {
  const t = record.timeText;
  const last = t.charCodeAt(t.length - 1);
  if (last === 90 || last === 122) return Date.parse(t); // ends in Z: the common case, no regex
  return Date.parse(/[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`);
}
