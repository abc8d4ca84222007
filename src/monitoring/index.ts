/**
 * The monitoring core's public surface, for connectors, the scan and the cases work:
 * build a TenantContext → createEngine → engine.process(raw) for each record → store the detections.
 */
export { createTenantContext, type TenantContext, type TenantInput, type TenantPerson } from './tenant.js';
export { createEngine, type Engine, type EngineOptions, type EngineStats } from './engine.js';
export { normaliseRecord, recordTime, type RecordProblem } from './records/normalise.js';
export { detectKind } from './records/detect-kind.js';
export type { AuditRecord } from './records/types.js';
export { ALL_RULES } from './rules/index.js';
export type { Rule, RuleHit } from './rule.js';
export { createMemoryCounters, type CounterSnapshot, type CounterStore, type ThresholdCounters } from './counters.js';
export { DetectionFolder } from './fold.js';
export { parseSuppressions, findSuppression, type Suppression } from './suppressions.js';
export { effectiveRule, RuleSettingSchema, type RuleSettings, type RuleSetting } from './settings.js';
export * from './changes.js';
export { createDetectionStore, defaultDetectionKey, loadActiveSuppressions, appendChange, type DetectionStore, type KeyedDetection, type StoreResult } from './store.js';
export type { Detection, Family, Category, Severity, Source, RecordKind } from './types.js';
