import { addSuppression } from '../monitoring/changes.js';
import { recordChange } from '../monitoring/settings-store.js';
import { SuppressionSchema, type Suppression } from '../monitoring/suppressions.js';
import type { AdaptiveCardJson } from '../teams/cards.js';
import { applyChange } from './act.js';
import type { CaseVerbContext } from '../teams/cases/card-actions.js';
import { publishCaseCard, renderChannelCard } from '../teams/cases/channel.js';
import { badCaseDataCard } from '../teams/cases/problem-card.js';
import type { CaseState, CaseSuppression } from './state.js';
import { loadCase, type LoadedCase } from './store.js';

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

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

/**
 * "Suppress similar alerts" after a false positive: claims the suppression with a case timeline entry (a
 * unique insert, so a double click makes one), then records it in the monitoring change log with who and why
 * (settings-store's recordChange), from where the next poll applies it.
 */
export async function suppressFromCase(v: CaseVerbContext): Promise<AdaptiveCardJson> {
  const school = v.ctx.sender.school;
  if (!school) return badCaseDataCard();
  const now = v.deps.clock();
  const data = v.ctx.data;
  const scope = str(data.suppressScope) as Scope;
  const days = Number(str(data.suppressDays) || '30');
  const reason = str(data.suppressReason);
  let suppression: Suppression | undefined;
  const claimed = await applyChange(v.ctx.models, school.id, v.caseId, v.actor, (state, loaded) => {
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
      createdBy: v.actor.email,
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
      by: v.actor.name,
    };
    return { ok: true, action: 'suppressed', after: { falsePositive: { ...(state.falsePositive ?? { reason, suppressionRequested: true }), suppression: recorded } }, note: reason };
  }, v.deps.clock);
  if (!claimed.ok || !suppression) {
    const loaded = claimed.loaded ?? (await loadCase(v.ctx.models, school.id, v.caseId));
    return loaded ? renderChannelCard(v.ctx.models, school, loaded, now, claimed.ok ? undefined : claimed.reason) : badCaseDataCard();
  }
  const s = suppression;
  let notice: string;
  try {
    const change = await recordChange(v.ctx.models, school.id, (current) => addSuppression(current, s, { who: v.actor.email, why: s.reason, at: now }));
    notice = `Similar alerts are suppressed until ${s.expiresAt.slice(0, 10)} (monitoring change ${change.seq}).`;
  } catch (err) {
    // The case says it was asked for; the change log does not have it yet. Say so rather than pretend.
    v.ctx.log.error({ err, schoolId: school.id }, 'could not record the suppression in the monitoring change log');
    notice = 'The suppression is recorded on the case but Lantern could not save it to the monitoring settings: ask your IT manager to add it with "lantern monitor suppress add".';
  }
  const card = await renderChannelCard(v.ctx.models, school, claimed.loaded, now, notice);
  await publishCaseCard(v.deps, school, v.caseId, { loaded: claimed.loaded, card }).catch((err: unknown) => v.ctx.log.warn({ err }, 'could not update the DSL channel card'));
  return card;
}
