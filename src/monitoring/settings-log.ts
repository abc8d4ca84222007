import type { ChangeWhat, MonitoringSettings } from './changes.js';
import { RuleSettingSchema, type RuleSetting } from './settings.js';
import { routeKey } from './routes.js';
import { parseSuppressions, type Suppression } from './suppressions.js';

/** Settings before any change: no overrides, no suppressions, nothing added to the allowlists. */
export const EMPTY_SETTINGS: MonitoringSettings = Object.freeze({ rules: {}, suppressions: [], trustedDomains: [], approvedApps: [] });

/** A school's settings as the fold of its change log, with the ids of every suppression the log has mentioned. */
export interface FoldedSettings {
  settings: MonitoringSettings;
  /** Sequence number of the last entry folded (0: none). */
  seq: number;
  /** Suppression ids the log has added or removed: for these the log, not the suppressions collection, decides. */
  loggedSuppressionIds: ReadonlySet<string>;
}

function without<T>(list: readonly T[], item: T): T[] {
  return list.filter((x) => x !== item);
}

function withItem<T>(list: readonly T[], item: T): readonly T[] {
  return list.includes(item) ? list : [...list, item];
}

function cleanRuleSetting(after: unknown): RuleSetting | null {
  if (after === null || after === undefined) return null;
  // A malformed stored value (written by hand, or by an older version) is ignored rather than half-applied.
  const parsed = RuleSettingSchema.safeParse(after);
  return parsed.success ? parsed.data : null;
}

function cleanSuppression(raw: unknown): Suppression | undefined {
  return parseSuppressions([raw]).suppressions[0];
}

/**
 * Applies one logged change. Each entry was computed against the fold of every entry before it (it was
 * inserted as exactly entry n+1), so `after` is the whole new value and folding in `seq` order is exact.
 */
export function applyLoggedChange(settings: MonitoringSettings, what: ChangeWhat): MonitoringSettings {
  switch (what?.type) {
    case 'rule.setting': {
      const rules: Record<string, RuleSetting> = { ...settings.rules };
      const after = cleanRuleSetting(what.after);
      if (after === null) delete rules[what.ruleId];
      else rules[what.ruleId] = after;
      return { ...settings, rules };
    }
    case 'suppression.add': {
      const s = cleanSuppression(what.suppression);
      if (!s) return settings;
      return { ...settings, suppressions: [...settings.suppressions.filter((x) => x.id !== s.id), s] };
    }
    case 'suppression.remove':
      return { ...settings, suppressions: settings.suppressions.filter((x) => x.id !== what.suppression?.id) };
    case 'trusted_domain.add':
      return { ...settings, trustedDomains: withItem(settings.trustedDomains, what.domain) };
    case 'trusted_domain.remove':
      return { ...settings, trustedDomains: without(settings.trustedDomains, what.domain) };
    case 'approved_app.add':
      return { ...settings, approvedApps: withItem(settings.approvedApps ?? [], what.app) };
    case 'approved_app.remove':
      return { ...settings, approvedApps: without(settings.approvedApps ?? [], what.app) };
    case 'route.setting':
      if (what.after !== 'dsl' && what.after !== 'it') return settings;
      return { ...settings, routes: { ...(settings.routes ?? {}), [routeKey(what.family, what.severity)]: what.after } };
    default:
      return settings; // an entry type this version does not know: kept in the log, not applied
  }
}

/** Folds log entries (in any order; they are sorted by `seq`) into the current settings. */
export function foldChangeLog(entries: ReadonlyArray<{ seq: number; what: unknown }>): FoldedSettings {
  const sorted = [...entries].sort((a, b) => a.seq - b.seq);
  let settings = EMPTY_SETTINGS;
  const ids = new Set<string>();
  for (const e of sorted) {
    const what = e.what as ChangeWhat;
    if ((what?.type === 'suppression.add' || what?.type === 'suppression.remove') && typeof what.suppression?.id === 'string') ids.add(what.suppression.id);
    settings = applyLoggedChange(settings, what);
  }
  return { settings, seq: sorted.at(-1)?.seq ?? 0, loggedSuppressionIds: ids };
}
