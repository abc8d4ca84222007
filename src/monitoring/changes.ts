import { ErrorCode, LanternError } from '../errors.js';
import { normaliseDomain } from './domains.js';
import type { RuleSetting, RuleSettings } from './settings.js';
import type { Suppression } from './suppressions.js';
import { isRouteKey, routeKey, type Queue, type RouteTable } from './routes.js';

/** The settings monitoring runs with for one school; only ever changed through the functions below. */
export interface MonitoringSettings {
  readonly rules: RuleSettings;
  readonly suppressions: readonly Suppression[];
  readonly trustedDomains: readonly string[];
  /** OAuth apps (client id, or app name where the log has no id) the school has approved: the risky-grant rules skip them. */
  readonly approvedApps?: readonly string[];
  /** Route-table rows changed through the log (`${family}:${severity}` → queue); they win over the config file. */
  readonly routes?: RouteTable;
}

/** What changed. Each variant records enough to undo it. */
export type ChangeWhat =
  | { type: 'rule.setting'; ruleId: string; before: RuleSetting | null; after: RuleSetting | null }
  | { type: 'suppression.add'; suppression: Suppression }
  | { type: 'suppression.remove'; suppression: Suppression }
  | { type: 'trusted_domain.add'; domain: string }
  | { type: 'trusted_domain.remove'; domain: string }
  | { type: 'approved_app.add'; app: string }
  | { type: 'approved_app.remove'; app: string }
  | { type: 'route.setting'; family: string; severity: string; before: Queue | null; after: Queue };

/** Every kind of rule or allowlist change. */
export type ChangeType = ChangeWhat['type'];

/** One entry of the append-only change log (DfE standards: every rule and allowlist change, with who and why). */
export interface ChangeLogEntry {
  readonly at: string;
  readonly who: string;
  readonly why: string;
  readonly what: ChangeWhat;
}

/** Who is making a change and why; both are required. */
export interface ChangeAuthor {
  who: string;
  why: string;
  /** When; defaults to now. */
  at?: Date;
}

/** A change applied: the new settings and the log entry to append. */
export interface ChangeResult {
  settings: MonitoringSettings;
  entry: ChangeLogEntry;
}

function entry(author: ChangeAuthor, what: ChangeWhat): ChangeLogEntry {
  const who = author.who.trim();
  const why = author.why.trim();
  if (!who) throw new LanternError(ErrorCode.ConfigInvalid, 'A monitoring change needs the name or email of who made it.');
  if (why.length < 3) throw new LanternError(ErrorCode.ConfigInvalid, 'A monitoring change needs a reason: say why in a few words.');
  return { at: (author.at ?? new Date()).toISOString(), who, why, what };
}

/** Sets (or, with `null`, clears) a rule's overrides. */
export function changeRuleSetting(settings: MonitoringSettings, ruleId: string, after: RuleSetting | null, author: ChangeAuthor): ChangeResult {
  const before = settings.rules[ruleId] ?? null;
  const rules: Record<string, RuleSetting> = { ...settings.rules };
  if (after === null) delete rules[ruleId];
  else rules[ruleId] = after;
  return { settings: { ...settings, rules }, entry: entry(author, { type: 'rule.setting', ruleId, before, after }) };
}

/** Adds a suppression (replacing one with the same id). */
export function addSuppression(settings: MonitoringSettings, suppression: Suppression, author: ChangeAuthor): ChangeResult {
  const suppressions = [...settings.suppressions.filter((s) => s.id !== suppression.id), suppression];
  return { settings: { ...settings, suppressions }, entry: entry(author, { type: 'suppression.add', suppression }) };
}

/** Removes a suppression by id; throws when there is none, so a typo is not logged as a change. */
export function removeSuppression(settings: MonitoringSettings, id: string, author: ChangeAuthor): ChangeResult {
  const found = settings.suppressions.find((s) => s.id === id);
  if (!found) throw new LanternError(ErrorCode.ConfigInvalid, `There is no suppression "${id}"; list them to find the right id.`);
  const suppressions = settings.suppressions.filter((s) => s.id !== id);
  return { settings: { ...settings, suppressions }, entry: entry(author, { type: 'suppression.remove', suppression: found }) };
}

/** Adds a trusted partner domain (local authority, NHS, the trust). */
export function addTrustedDomain(settings: MonitoringSettings, domain: string, author: ChangeAuthor): ChangeResult {
  const d = normaliseDomain(domain);
  const trustedDomains = settings.trustedDomains.includes(d) ? settings.trustedDomains : [...settings.trustedDomains, d];
  return { settings: { ...settings, trustedDomains }, entry: entry(author, { type: 'trusted_domain.add', domain: d }) };
}

/** Removes a trusted partner domain. */
export function removeTrustedDomain(settings: MonitoringSettings, domain: string, author: ChangeAuthor): ChangeResult {
  const d = normaliseDomain(domain);
  const trustedDomains = settings.trustedDomains.filter((t) => t !== d);
  return { settings: { ...settings, trustedDomains }, entry: entry(author, { type: 'trusted_domain.remove', domain: d }) };
}

/** Normalises an approved app's id or name for comparison (client ids and names are matched case-insensitively). */
export function normaliseAppId(app: string): string {
  return app.trim().toLowerCase();
}

/** Approves an OAuth app by client id (or name), so the risky-grant rules no longer report it. */
export function addApprovedApp(settings: MonitoringSettings, app: string, author: ChangeAuthor): ChangeResult {
  const a = normaliseAppId(app);
  if (!a) throw new LanternError(ErrorCode.ConfigInvalid, 'Name the app to approve by its client id (or its name).');
  const current = settings.approvedApps ?? [];
  const approvedApps = current.includes(a) ? current : [...current, a];
  return { settings: { ...settings, approvedApps }, entry: entry(author, { type: 'approved_app.add', app: a }) };
}

/** Withdraws an app's approval. */
export function removeApprovedApp(settings: MonitoringSettings, app: string, author: ChangeAuthor): ChangeResult {
  const a = normaliseAppId(app);
  const approvedApps = (settings.approvedApps ?? []).filter((x) => x !== a);
  return { settings: { ...settings, approvedApps }, entry: entry(author, { type: 'approved_app.remove', app: a }) };
}

/**
 * Sends a family's detections of one severity to a queue when no child, pupil data or safeguarding risk is
 * involved (those always go to the DSL). `current` is the queue the school runs with now, for the record.
 */
export function changeRoute(settings: MonitoringSettings, family: string, severity: string, after: Queue, current: Queue | null, author: ChangeAuthor): ChangeResult {
  if (!isRouteKey(family, severity)) throw new LanternError(ErrorCode.ConfigInvalid, `There is no route for "${family}" at "${severity}": name a detection family (e.g. account.privilege_grant) and a severity (low, medium, high, critical).`);
  const routes = { ...(settings.routes ?? {}), [routeKey(family, severity)]: after };
  return { settings: { ...settings, routes }, entry: entry(author, { type: 'route.setting', family, severity, before: current, after }) };
}

/** One line for the governors' digest ("r.okafor@… raised data.mass_download.google threshold: 50 → 80 (exam week)"). */
export function describeChange(e: ChangeLogEntry): string {
  const w = e.what;
  const what =
    w.type === 'route.setting'
      ? `sent ${w.family} (${w.severity}) to the ${w.after === 'dsl' ? 'DSL' : 'IT'} queue`
      : w.type === 'rule.setting'
      ? `changed ${w.ruleId}: ${JSON.stringify(w.before ?? {})} → ${JSON.stringify(w.after ?? {})}`
      : w.type === 'suppression.add'
        ? `added suppression ${w.suppression.id} until ${w.suppression.expiresAt}`
        : w.type === 'suppression.remove'
          ? `removed suppression ${w.suppression.id}`
          : w.type === 'approved_app.add' || w.type === 'approved_app.remove'
            ? `${w.type === 'approved_app.add' ? 'approved the app' : 'withdrew approval of the app'} ${w.app}`
            : `${w.type === 'trusted_domain.add' ? 'trusted' : 'stopped trusting'} ${w.domain}`;
  return `${e.at.slice(0, 10)} ${e.who} ${what} (${e.why})`;
}
