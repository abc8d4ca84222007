import { addSuppression } from '../monitoring/changes.js';
import { recordChange } from '../monitoring/settings-store.js';
import { SuppressionSchema, type Suppression } from '../monitoring/suppressions.js';
import type { Logger } from '../log/logger.js';
import { applyChange } from './act.js';
import type { CaseState, CaseSuppression } from './state.js';
import { loadCase, type CaseStores, type LoadedCase } from './store.js';
import type { Actor } from './timeline-model.js';

type SettingsModels = Parameters<typeof recordChange>[0];

/** How long a suppression offered from a false positive may last; the DSL picks one (default 30). */
export const SUPPRESS_DAYS = [7, 30, 90] as const;

/** What a suppression from a false positive matches: the rule plus the person, the item, or both. */
export const SUPPRESS_SCOPES = { 'actor-object': 'This person and this item', actor: 'Anything this person does', object: 'Anything done to this item' } as const;
type Scope = keyof typeof SUPPRESS_SCOPES;


/** The detection a suppression would silence more of: the case's latest one (rule, actor, item). */
function sourceDetection(state: CaseState) {
  return state.detections.at(-1);
}

/** Whether the card should offer "Suppress similar alerts": a detection case marked false positive, not yet suppressed. */
export function suppressionOffer(loaded: LoadedCase): { ruleId: string; scopes: { title: string; value: Scope }[]; reason: string } | undefined {
  const { state } = loaded;
  const fp = state.falsePositive;
  const d = sourceDetection(state);
  if (!fp || fp.suppression || !d) return undefined;
  const scopes = (Object.keys(SUPPRESS_SCOPES) as Scope[])
    .filter((s) => (s.includes('actor') ? Boolean(d.actor) : true) && (s.includes('object') ? Boolean(d.objectId) : true))
    .map((value) => ({ title: SUPPRESS_SCOPES[value], value }));
  return scopes.length ? { ruleId: d.ruleId, scopes, reason: fp.reason } : undefined;
}

/** The suppression recorded on a case, if any. */
export function caseSuppression(state: CaseState): CaseSuppression | undefined {
  return state.falsePositive?.suppression;
}

/** What the DSL chose on the card: what to suppress, for how many days, and why. */
export interface SuppressRequest {
  scope: string;
  days: number;
  reason: string;
}

/** How a request ended: refused (with the reason to show) or recorded (with the notice to show). */
export type SuppressOutcome = { ok: false; reason: string; loaded: LoadedCase | undefined } | { ok: true; reason?: undefined; notice: string; loaded: LoadedCase };

/**
 * "Suppress similar alerts" after a false positive: claims the suppression with a case timeline entry (a
 * unique insert, so a double click makes one), then records it in the monitoring change log with who and why
 * (settings-store's recordChange), from where the next poll applies it.
 */
export async function suppressSimilar(
  deps: { stores: CaseStores & SettingsModels; clock: () => Date; log: Logger },
  schoolId: string,
  caseId: string,
  actor: Actor,
  request: SuppressRequest,
): Promise<SuppressOutcome> {
  const now = deps.clock();
  const { days, reason } = request;
  const scope = request.scope as Scope;
  let suppression: Suppression | undefined;
  const claimed = await applyChange(deps.stores, schoolId, caseId, actor, (state, loaded) => {
    const offer = suppressionOffer(loaded);
    const existing = caseSuppression(state);
    if (existing) return { ok: false, reason: `Similar alerts are already suppressed (${existing.id}, by ${existing.by}).` };
    if (!offer) return { ok: false, reason: 'Only a monitoring alert marked as a false positive can be suppressed.' };
    if (!Object.hasOwn(SUPPRESS_SCOPES, scope) || !offer.scopes.some((s) => s.value === scope)) return { ok: false, reason: 'Choose what to suppress: this person, this item, or both.' };
    if (!(SUPPRESS_DAYS as readonly number[]).includes(days)) return { ok: false, reason: `Choose how long: ${SUPPRESS_DAYS.join(', ')} days.` };
    const d = sourceDetection(state);
    const parsed = SuppressionSchema.safeParse({
      id: `fp-${loaded.doc.number}`,
      ruleId: offer.ruleId,
      ...(scope.includes('actor') && d?.actor ? { actor: d.actor } : {}),
      ...(scope.includes('object') && d?.objectId ? { objectId: d.objectId } : {}),
      reason: `${reason} (false positive, case ${loaded.doc.number})`,
      createdBy: actor.email,
      expiresAt: new Date(now.getTime() + days * 86_400_000).toISOString(),
    });
    if (!reason || reason.length > 1000 || !parsed.success) return { ok: false, reason: 'Say why similar alerts can be ignored (a few words, under 1,000 characters).' };
    suppression = { ...parsed.data, id: parsed.data.id ?? `fp-${loaded.doc.number}` };
    const recorded: CaseSuppression = {
      id: suppression.id,
      ruleId: offer.ruleId,
      ...(suppression.actor ? { actor: suppression.actor } : {}),
      ...(suppression.objectId ? { objectId: suppression.objectId } : {}),
      expiresAt: suppression.expiresAt,
      by: actor.name,
    };
    return { ok: true, action: 'suppressed', after: { falsePositive: { ...(state.falsePositive ?? { reason, suppressionRequested: true }), suppression: recorded } }, note: reason };
  }, deps.clock);
  if (!claimed.ok || !suppression) {
    const loaded = claimed.loaded ?? (await loadCase(deps.stores, schoolId, caseId));
    // A claim that succeeded without a suppression cannot happen; shown as the case stands, with no notice.
    return claimed.ok ? { ok: false, reason: '', loaded } : { ok: false, reason: claimed.reason, loaded };
  }
  const s = suppression;
  try {
    const change = await recordChange(deps.stores, schoolId, (current) => addSuppression(current, s, { who: actor.email, why: s.reason, at: now }));
    return { ok: true, notice: `Similar alerts are suppressed until ${s.expiresAt.slice(0, 10)} (monitoring change ${change.seq}).`, loaded: claimed.loaded };
  } catch (err) {
    // The case says it was asked for; the change log does not have it yet. Say so rather than pretend.
    deps.log.error({ err, schoolId }, 'could not record the suppression in the monitoring change log');
    return {
      ok: true,
      notice: 'The suppression is recorded on the case but Lantern could not save it to the monitoring settings: ask your IT manager to add it with "lantern monitor suppress add".',
      loaded: claimed.loaded,
    };
  }
}
