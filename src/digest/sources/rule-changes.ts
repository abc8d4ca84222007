import type { ChangeType, ChangeWhat } from '../../monitoring/changes.js';
import type { MonitoringWeek } from '../../monitoring/weekly.js';
import { noData, ok, type RuleChangesData, type Section } from '../types.js';

// Keyed by the change-type union: a new kind of change without a label here does not compile.
const TYPE_LABELS: Record<ChangeType, string> = {
  'rule.setting': 'Rule setting changed',
  'suppression.add': 'Suppression added',
  'suppression.remove': 'Suppression removed',
  'trusted_domain.add': 'Trusted domain added',
  'trusted_domain.remove': 'Trusted domain removed',
  'approved_app.add': 'App approved',
  'approved_app.remove': 'App approval withdrawn',
  'route.setting': 'Routing changed (DSL or IT)',
};

/** What a change was made to: the rule, the suppressed rule, the domain or the app. `who` and `why` are never shown. */
function targetOf(what: ChangeWhat): string {
  switch (what.type) {
    case 'rule.setting':
      return what.ruleId;
    case 'suppression.add':
    case 'suppression.remove':
      return what.suppression?.ruleId ?? '';
    case 'trusted_domain.add':
    case 'trusted_domain.remove':
      return what.domain;
    case 'approved_app.add':
    case 'approved_app.remove':
      return what.app;
    case 'route.setting':
      return `${what.family} (${what.severity})`;
  }
}

/** D2: rule and allowlist changes made in the week. */
export function ruleChangesSection(week: MonitoringWeek): Section<RuleChangesData> {
  if (!week.changes) return noData('Monitoring rules are not set up yet, so no changes are logged.');
  // A stored type this build does not know (a newer instance wrote it) still shows, as "Other change".
  const changes = week.changes.map((c) => ({ at: c.at.toISOString(), type: TYPE_LABELS[c.what.type] ?? 'Other change', target: targetOf(c.what) ?? '' }));
  return ok({ changes });
}
