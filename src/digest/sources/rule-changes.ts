import { noData, ok, type RuleChangesData, type Section } from '../types.js';
import { asDate, asLabel, collectionIfPresent, type SourceContext } from './context.js';

/**
 * ASSUMED (monitoring capability, src/monitoring/changes.ts ChangeLogEntry, not yet stored): collection
 * `monitoring_changes` {schoolId, at, what: {type, ruleId?, domain?, suppression?: {ruleId?}}}. `who` and `why`
 * are not read: they can name people, and the IT manager's log holds them.
 */
export const RULE_CHANGE_SOURCE = { changes: 'monitoring_changes' } as const;

const TYPE_LABELS: Record<string, string> = {
  'rule.setting': 'Rule setting changed',
  'suppression.add': 'Suppression added',
  'suppression.remove': 'Suppression removed',
  'trusted_domain.add': 'Trusted domain added',
  'trusted_domain.remove': 'Trusted domain removed',
};

/** D2: rule and allowlist changes made in the week. */
export async function readRuleChanges(ctx: SourceContext): Promise<Section<RuleChangesData>> {
  const coll = await collectionIfPresent(ctx.connection, RULE_CHANGE_SOURCE.changes);
  if (!coll) return noData('Monitoring rules are not set up yet, so no changes are logged.');
  const docs = await coll.find({ schoolId: ctx.school.id, at: { $gte: ctx.week.start, $lt: ctx.week.end } }, { projection: { at: 1, what: 1 } }).toArray();
  const changes = docs
    .map((d) => {
      const what = (d.what ?? {}) as Record<string, unknown>;
      const suppression = (what.suppression ?? {}) as Record<string, unknown>;
      const target = asLabel(what.ruleId ?? what.domain ?? suppression.ruleId, '');
      return { at: asDate(d.at), type: TYPE_LABELS[asLabel(what.type)] ?? 'Other change', target };
    })
    .filter((c): c is { at: Date; type: string; target: string } => c.at !== null)
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .map((c) => ({ ...c, at: c.at.toISOString() }));
  return ok({ changes });
}
