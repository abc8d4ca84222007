import { z } from 'zod';
import type { Rule } from './rule.js';
import { SEVERITIES, type Severity } from './types.js';

/** A school's override of one rule's settings (thresholds are data, B4). Every change is logged (changes.ts). */
export const RuleSettingSchema = z.strictObject({
  enabled: z.boolean().optional(),
  severity: z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(', ')}` }).optional(),
  threshold: z.number().int().min(1, { error: 'must be at least 1 event' }).max(100_000).optional(),
  windowMinutes: z.number().positive({ error: 'must be more than 0 minutes' }).max(7 * 24 * 60, { error: 'must be at most 7 days' }).optional(),
  foldWindowMinutes: z.number().min(0).max(30 * 24 * 60, { error: 'must be at most 30 days' }).optional(),
});
/** A validated rule override. */
export type RuleSetting = z.infer<typeof RuleSettingSchema>;

/** Overrides keyed by rule id. */
export type RuleSettings = Readonly<Record<string, RuleSetting>>;

/** A rule with the school's overrides applied, in the units the engine uses. */
export interface EffectiveRule {
  readonly rule: Rule;
  readonly enabled: boolean;
  readonly severity: Severity;
  readonly threshold?: { readonly count: number; readonly windowMs: number };
  readonly foldWindowMs: number;
}

const MINUTE = 60_000;

/** Applies `settings[rule.id]` to a rule's defaults. Threshold settings on a rule without a threshold are ignored. */
export function effectiveRule(rule: Rule, settings: RuleSettings = {}): EffectiveRule {
  const s = settings[rule.id] ?? {};
  const threshold = rule.threshold
    ? { count: s.threshold ?? rule.threshold.count, windowMs: (s.windowMinutes ?? rule.threshold.windowMinutes) * MINUTE }
    : undefined;
  return {
    rule,
    enabled: s.enabled ?? true,
    severity: s.severity ?? rule.severity,
    ...(threshold ? { threshold } : {}),
    foldWindowMs: (s.foldWindowMinutes ?? rule.foldWindowMinutes) * MINUTE,
  };
}

/** Names settings that refer to no known rule, so a typo in a tenant file is reported rather than ignored. */
export function unknownRuleIds(settings: RuleSettings, rules: readonly Rule[]): string[] {
  const known = new Set(rules.map((r) => r.id));
  return Object.keys(settings).filter((id) => !known.has(id));
}
