import { CounterState, createMemoryCounters, type ThresholdCounters } from './counters.js';
import { normaliseRecord, recordTime, type RecordProblem } from './records/normalise.js';
import type { AuditRecord } from './records/types.js';
import { RuleIndex } from './rule-index.js';
import type { Rule, RuleHit } from './rule.js';
import { ALL_RULES } from './rules/index.js';
import { effectiveRule, type EffectiveRule, type RuleSettings } from './settings.js';
import { adminRoleName } from '../directory/admin-roles.js';
import { ACCOUNT_SAFETY_FAMILIES, severityFor, severityForAdmin } from './severity.js';
import { findSuppression, type Suppression } from './suppressions.js';
import type { TenantContext } from './tenant.js';
import type { Detection, Family, RecordKind } from './types.js';

/** What an engine needs; everything stateful is injected so a connector can persist it. */
export interface EngineOptions {
  tenant: TenantContext;
  /** Rules to run (default: every rule in rules/). */
  rules?: readonly Rule[];
  /** Per-rule overrides: enabled, severity, threshold, windows. */
  settings?: RuleSettings;
  suppressions?: readonly Suppression[];
  /** Rolling counters for threshold rules (default: fresh in-memory counters). */
  counters?: ThresholdCounters;
  /** Clock for suppression expiry (ms since the epoch). */
  now?: () => number;
  /** Receives every detection, unfolded: one per matching record, or per event of a burst past its threshold. */
  onDetection(detection: Detection): void;
  /** Receives detections a suppression silenced (for the audit trail and the scan summary). */
  onSuppressed?(detection: Detection, suppression: Suppression): void;
}

/** Running totals, for the scan summary and the connector's health report. */
export interface EngineStats {
  records: number;
  byKind: Record<RecordKind, number>;
  malformed: number;
  unknownKind: number;
  detections: number;
  suppressed: number;
  /** Rule evaluations that threw (a bug: rules must not throw); the record is still processed by the others. */
  ruleErrors: number;
}

/** The rule engine: feed it raw records one at a time. */
export interface Engine {
  /** Normalises and evaluates one raw record. Returns the problem when the record was skipped. */
  process(raw: unknown): RecordProblem | undefined;
  /** Evaluates an already-normalised record. */
  evaluate(record: AuditRecord): void;
  readonly stats: EngineStats;
  readonly rules: readonly EffectiveRule[];
  readonly counters: ThresholdCounters;
}

const MAX_IDS_PER_DETECTION = 100;

/** Creates an engine for one school. */
export function createEngine(options: EngineOptions): Engine {
  const ctx = options.tenant;
  const rules = (options.rules ?? ALL_RULES).map((r) => effectiveRule(r, options.settings)).filter((r) => r.enabled);
  const index = new RuleIndex(rules);
  const counters = options.counters ?? createMemoryCounters();
  const suppressions = options.suppressions ?? [];
  const now = options.now ?? Date.now;
  const stats: EngineStats = {
    records: 0,
    byKind: { 'google.reports.activity': 0, 'o365.management.activity': 0, 'graph.signIn': 0, 'graph.directoryAudit': 0, 'graph.alert': 0, 'google.alert': 0 },
    malformed: 0,
    unknownKind: 0,
    detections: 0,
    suppressed: 0,
    ruleErrors: 0,
  };

  /** The admin account an account-safety hit is about: the accounts it names, or (compromise signals) the actor. */
  function adminAccount(family: Family, record: AuditRecord, hit: RuleHit): { email: string; roles: readonly string[] } | undefined {
    const accounts = hit.subjects ?? (hit.target ? [hit.target] : []);
    const candidates = accounts.length > 0 ? accounts : family === 'account.compromise_signal' ? [record.actor] : [];
    for (const email of candidates) {
      const roles = ctx.person(email)?.adminRoles;
      if (roles && roles.length > 0) return { email: email.toLowerCase(), roles: roles.map(adminRoleName) };
    }
    return undefined;
  }

  function emit(er: EffectiveRule, record: AuditRecord, hit: RuleHit, span: readonly [number, number], eventIds: string[], count: number, foldKey: string): void {
    const person = ctx.person(record.actor);
    const pupilActor = person?.role === 'pupil';
    const pupilTarget = (hit.target !== undefined && ctx.isPupil(hit.target)) || (hit.subjects?.some((s) => ctx.isPupil(s)) ?? false);
    const pupilData = hit.looksLikePupilData === true;
    const admin = ACCOUNT_SAFETY_FAMILIES.includes(er.rule.family) ? adminAccount(er.rule.family, record, hit) : undefined;
    const base = severityFor(hit.severity ?? er.severity, { pupilActor, pupilTarget, pupilData });
    const detection: Detection = {
      ruleId: er.rule.id,
      family: er.rule.family,
      severity: admin ? severityForAdmin(base) : base,
      category: hit.category ?? er.rule.category,
      source: record.source,
      kind: record.kind,
      eventIds,
      count,
      firstSeen: span[0],
      lastSeen: span[1],
      actor: record.actor,
      ...(person ? { actorRole: person.role } : {}),
      ...(hit.target !== undefined ? { target: hit.target } : {}),
      ...(hit.objectId !== undefined ? { objectId: hit.objectId } : {}),
      ...(hit.location ? { location: hit.location } : {}),
      looksLikePupilData: pupilData,
      pupilInvolved: pupilActor || pupilTarget || pupilData,
      ...(er.rule.mayInvolveIndecentImage || hit.mayInvolveIndecentImage ? { mayInvolveIndecentImage: true } : {}),
      summary: admin ? `${hit.summary} ${admin.email} is an administrator (${admin.roles.join(', ')}).` : hit.summary,
      ...(admin ? { adminAccount: admin.email } : {}),
      runbook: er.rule.runbook,
      foldKey,
    };
    const suppression = suppressions.length > 0 ? findSuppression(detection, suppressions, now()) : undefined;
    if (suppression) {
      stats.suppressed++;
      options.onSuppressed?.(detection, suppression);
      return;
    }
    stats.detections++;
    options.onDetection(detection);
  }

  function apply(er: EffectiveRule, record: AuditRecord): void {
    let hit: RuleHit | undefined;
    try {
      hit = er.rule.evaluate(record, ctx);
    } catch {
      stats.ruleErrors++;
      return;
    }
    if (!hit) return;
    const time = recordTime(record);
    if (!er.threshold) {
      // An account-safety hit's objectId names a role, not an item: grants of one role to different accounts
      // are different matters (a staff member's must never fold into a pupil's), so the account is in the key.
      const account = ACCOUNT_SAFETY_FAMILIES.includes(er.rule.family) && hit.objectId !== undefined && hit.target !== undefined ? `|${hit.target.toLowerCase()}` : '';
      emit(er, record, hit, [time, time], [record.id], 1, `${er.rule.id}|${record.actor}|${hit.objectId ?? hit.target ?? ''}${account}`);
      return;
    }
    const key = `${er.rule.id}|${hit.counterKey ?? record.actor}`;
    const state = counters.add(key, time, record.id, er.threshold.windowMs, er.threshold.count);
    if (state === CounterState.Crossed) {
      const ids = counters.eventIds(key);
      emit(er, record, hit, counters.span(key) ?? [time, time], ids.slice(-MAX_IDS_PER_DETECTION), ids.length, key);
    } else if (state === CounterState.Above) {
      emit(er, record, hit, [time, time], [record.id], 1, key);
    }
  }

  function evaluate(record: AuditRecord): void {
    stats.records++;
    stats.byKind[record.kind]++;
    const candidates = index.candidates(record);
    for (let i = 0; i < candidates.length; i++) apply(candidates[i] as EffectiveRule, record);
  }

  return {
    process(raw) {
      const result = normaliseRecord(raw);
      if (!result.ok) {
        if (result.problem.code === 'unknown_kind') stats.unknownKind++;
        else stats.malformed++;
        return result.problem;
      }
      evaluate(result.record);
      return undefined;
    },
    evaluate,
    stats,
    rules,
    counters,
  };
}
