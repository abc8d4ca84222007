import { createEngine } from '../../src/monitoring/engine.js';
import { DetectionFolder } from '../../src/monitoring/fold.js';
import type { Rule } from '../../src/monitoring/rule.js';
import { ALL_RULES } from '../../src/monitoring/rules/index.js';
import { SAMPLE_TENANT } from '../../src/monitoring/rules/fixtures.js';
import type { RuleSettings } from '../../src/monitoring/settings.js';
import type { Suppression } from '../../src/monitoring/suppressions.js';
import { createTenantContext, type TenantInput } from '../../src/monitoring/tenant.js';
import type { Detection } from '../../src/monitoring/types.js';

/** Runs records through a fresh engine and folder; returns the folded detections and the engine stats. */
export function runRecords(
  records: readonly unknown[],
  options: { rules?: readonly Rule[]; tenant?: TenantInput; settings?: RuleSettings; suppressions?: readonly Suppression[]; now?: () => number } = {},
) {
  const out: Detection[] = [];
  const raw: Detection[] = [];
  const suppressed: Detection[] = [];
  const rules = options.rules ?? ALL_RULES;
  let windows = new Map<string, number>();
  const folder = new DetectionFolder({ windowMs: (id) => windows.get(id) ?? 0, onEmit: (d) => out.push(d) });
  const engine = createEngine({
    tenant: createTenantContext(options.tenant ?? SAMPLE_TENANT),
    rules,
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.suppressions ? { suppressions: options.suppressions } : {}),
    ...(options.now ? { now: options.now } : {}),
    onDetection: (d) => {
      raw.push(d);
      folder.add(d);
    },
    onSuppressed: (d) => suppressed.push(d),
  });
  windows = new Map(engine.rules.map((r) => [r.rule.id, r.foldWindowMs]));
  const problems = records.map((r) => engine.process(r)).filter((p) => p !== undefined);
  folder.flush();
  return { detections: out, raw, suppressed, problems, stats: engine.stats };
}
