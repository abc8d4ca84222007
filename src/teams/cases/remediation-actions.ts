import { randomUUID } from 'node:crypto';
import { renderCard, type AdaptiveCardJson } from '../cards.js';
import { CARD_TEXT_MAX, userText } from '../card-text.js';
import { applyChange, applyCommand } from '../../cases/act.js';
import { badCaseDataCard } from './problem-card.js';
import { renderChannelCard, publishCaseCard } from './channel.js';
import type { CaseVerbContext } from './card-actions.js';
import { answeredBy, detectionFor, performRemediation, planRemediation, REMEDIATION_KINDS, type RemediationKind, type RemediationPlan } from '../../cases/remediation-plan.js';
import { remediationEnabled } from '../../cases/settings.js';
import type { RemediationRequest } from '../../cases/state.js';
import { loadCase } from '../../cases/store.js';

/** A remediation request with its dry-run plan. */
type PlannedRequest = RemediationRequest & { plan?: RemediationPlan };

const PREVIEW_MESSAGE: Record<RemediationPlan['provider'], string> = {
  'google-drive': 'Nothing has changed yet. If you approve, Lantern will remove these from the file, acting as its owner:',
  'google-gmail': 'Nothing has changed yet. If you approve, Lantern will switch these off in the mailbox, acting as its user:',
  'microsoft-mail': 'Nothing has changed yet. If you approve, Lantern will delete these inbox rules of the mailbox:',
  'microsoft-sharing': 'Nothing has changed yet. If you approve, Lantern will remove these from the SharePoint / OneDrive item:',
};

async function caseCard(v: CaseVerbContext, notice: string): Promise<AdaptiveCardJson> {
  const school = v.ctx.sender.school;
  const loaded = school ? await loadCase(v.ctx.models, school.id, v.caseId) : undefined;
  return school && loaded ? renderChannelCard(v.ctx.models, school, loaded, v.deps.clock(), notice) : badCaseDataCard();
}

async function recordRequestOnly(v: CaseVerbContext, kind: string, notice: string): Promise<AdaptiveCardJson> {
  const school = v.ctx.sender.school;
  if (!school) return badCaseDataCard();
  const result = await applyCommand(v.ctx.models, school.id, v.caseId, v.actor, { kind: 'request-remediation', remediation: kind }, v.deps.clock);
  return caseCard(v, result.ok ? notice : result.reason);
}

/**
 * First click of a fix (B6): the dry run. When the school has remediation on and the case has a matching
 * detection, asks Google or Microsoft what is there now and shows exactly what would change, waiting for an
 * explicit approval; otherwise the request is only recorded, for the IT manager to act on.
 */
export async function previewRemediation(v: CaseVerbContext): Promise<AdaptiveCardJson> {
  const school = v.ctx.sender.school;
  if (!school) return badCaseDataCard();
  const kind = typeof v.ctx.data.remediation === 'string' ? v.ctx.data.remediation.slice(0, 60) : 'unspecified';
  if (!remediationEnabled(school)) {
    return recordRequestOnly(v, kind, 'Request recorded. Lantern does not change sharing or mail settings for your school (schools[].remediation.enabled is off): ask your IT manager to make the change.');
  }
  const loaded = await loadCase(v.ctx.models, school.id, v.caseId);
  const detection = Object.hasOwn(REMEDIATION_KINDS, kind) && loaded ? detectionFor(kind as RemediationKind, loaded.state.detections) : undefined;
  if (!detection) return recordRequestOnly(v, kind, 'Request recorded. This case has no detection Lantern can act on for that fix: ask your IT manager to make the change.');
  let plan: Awaited<ReturnType<typeof planRemediation>>;
  try {
    plan = await planRemediation(v.ctx.config, school, kind as RemediationKind, detection);
  } catch (err) {
    v.ctx.log.warn({ err, schoolId: school.id, kind }, 'remediation dry run failed');
    return caseCard(v, 'Lantern could not check what would change (the Google or Microsoft API refused or did not answer). Nothing was changed; try again later or ask your IT manager.');
  }
  if ('reason' in plan) return recordRequestOnly(v, kind, plan.reason);
  const request: PlannedRequest = { id: randomUUID(), kind, requestedBy: v.actor, at: v.deps.clock(), plan };
  const recorded = await applyChange(v.ctx.models, school.id, v.caseId, v.actor, (state) => ({ ok: true, action: 'remediation-requested', after: { remediationRequests: [...state.remediationRequests, request] }, note: null }), v.deps.clock);
  if (!recorded.ok) return caseCard(v, recorded.reason);
  return renderCard('case-remediation', {
    title: `Preview: ${REMEDIATION_KINDS[kind as RemediationKind].toLowerCase()} (${recorded.loaded.doc.number})`,
    message: PREVIEW_MESSAGE[plan.provider],
    removals: plan.steps.map((s) => ({ who: userText(s.who, CARD_TEXT_MAX.short), role: s.what })),
    next: `Approving is recorded on the case with your name and ${answeredBy(plan)}'s answer.`,
    caseId: v.caseId,
    requestId: request.id,
  });
}

/**
 * The explicit approval: claims the request with a timeline entry (so a double click performs it once),
 * carries out exactly the previewed steps, and records the API's answer for each.
 */
export async function approveRemediation(v: CaseVerbContext): Promise<AdaptiveCardJson> {
  const school = v.ctx.sender.school;
  const requestId = typeof v.ctx.data.requestId === 'string' ? v.ctx.data.requestId : '';
  if (!school || !requestId) return badCaseDataCard();
  if (!remediationEnabled(school)) return caseCard(v, 'Nothing was changed: remediation is switched off for your school.');
  const claimed = await applyChange(v.ctx.models, school.id, v.caseId, v.actor, (state) => {
    const request = state.remediationRequests.find((r) => r.id === requestId) as PlannedRequest | undefined;
    if (!request?.plan?.steps.length) return { ok: false, reason: 'This preview is out of date. Press the fix button again.' };
    if (request.approvedBy) return { ok: false, reason: `${request.approvedBy.name} has already approved this fix.` };
    const updated = state.remediationRequests.map((r) => (r.id === requestId ? { ...r, approvedBy: v.actor } : r));
    return { ok: true, action: 'remediation-approved', after: { remediationRequests: updated }, note: null };
  }, v.deps.clock);
  if (!claimed.ok) return caseCard(v, claimed.reason);
  const plan = (claimed.loaded.state.remediationRequests.find((r) => r.id === requestId) as PlannedRequest).plan as RemediationPlan;
  const results = await performRemediation(v.ctx.config, school, plan);
  const ok = results.every((r) => r.status >= 200 && r.status < 300);
  const who = answeredBy(plan);
  const recorded = await applyChange(v.ctx.models, school.id, v.caseId, v.actor, (state) => ({
    ok: true,
    action: 'remediation-approved',
    after: { remediationRequests: state.remediationRequests.map((r) => (r.id === requestId ? { ...r, result: results } : r)) },
    note: `${who} answered: ${results.map((r) => `${r.id} → ${r.status}${r.error ? ` (${r.error})` : ''}`).join('; ')}`,
  }), v.deps.clock);
  await publishCaseCard(v.deps, school, v.caseId).catch(() => undefined);
  const done = plan.provider === 'google-drive' || plan.provider === 'microsoft-sharing' ? `Done: ${results.length} permission(s) removed. Recorded on the case.` : `Done: ${results.length} forwarding setting(s) turned off. Recorded on the case.`;
  const notice = ok ? done : `Some changes failed; ${who}'s answers are recorded on the case. Ask your IT manager to check.`;
  return recorded.ok ? renderChannelCard(v.ctx.models, school, recorded.loaded, v.deps.clock(), notice) : caseCard(v, notice);
}
