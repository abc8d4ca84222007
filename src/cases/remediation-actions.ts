import { randomUUID } from 'node:crypto';
import { renderCard, type AdaptiveCardJson } from '../teams/cards.js';
import { applyChange, applyCommand } from './act.js';
import { badCaseDataCard } from './problem-card.js';
import { renderChannelCard, publishCaseCard } from './channel.js';
import type { CaseVerbContext } from './card-actions.js';
import { performDriveRemoval, planDriveRemoval, type PlannedRemoval } from './drive-remediation.js';
import { remediationEnabled } from './settings.js';
import type { RemediationRequest } from './state.js';
import { loadCase } from './store.js';

const DRIVE_KINDS = { 'remove-public-link': 'Remove the public link', 'remove-external-access': 'Remove external access' } as const;
type DriveKind = keyof typeof DRIVE_KINDS;

/** A remediation request with its dry-run plan. */
type PlannedRequest = RemediationRequest & { fileId?: string; owner?: string; plan?: PlannedRemoval[] };

async function caseCard(v: CaseVerbContext, notice: string): Promise<AdaptiveCardJson> {
  const school = v.ctx.sender.school;
  const loaded = school ? await loadCase(v.ctx.models, school.id, v.caseId) : undefined;
  return school && loaded ? renderChannelCard(v.ctx.models, school, loaded, v.deps.clock(), notice) : badCaseDataCard();
}

/**
 * First click of a fix (B6): the dry run. When the school has remediation on and the case has a Drive
 * detection, lists exactly which permissions would be deleted and asks for an explicit approval; otherwise
 * the request is only recorded, for the IT manager to act on.
 */
export async function previewRemediation(v: CaseVerbContext): Promise<AdaptiveCardJson> {
  const school = v.ctx.sender.school;
  if (!school) return badCaseDataCard();
  const kind = typeof v.ctx.data.remediation === 'string' ? v.ctx.data.remediation.slice(0, 60) : 'unspecified';
  const loaded = await loadCase(v.ctx.models, school.id, v.caseId);
  const detection = loaded?.state.detections.find((d) => d.objectId && d.actor && d.family.startsWith('sharing.'));
  if (!remediationEnabled(school) || !Object.hasOwn(DRIVE_KINDS, kind) || !detection?.objectId || !detection.actor) {
    const result = await applyCommand(v.ctx.models, school.id, v.caseId, v.actor, { kind: 'request-remediation', remediation: kind }, v.deps.clock);
    if (!result.ok) return caseCard(v, result.reason);
    return caseCard(
      v,
      remediationEnabled(school)
        ? 'Request recorded. Lantern can carry out only Drive sharing fixes so far: ask your IT manager to make this change.'
        : 'Request recorded. Lantern does not change sharing or mail settings for your school (schools[].remediation.enabled is off): ask your IT manager to make the change.',
    );
  }
  const plan = await planDriveRemoval(v.ctx.config, school, { fileId: detection.objectId, owner: detection.actor, kind: kind as DriveKind });
  if (plan.length === 0) return caseCard(v, 'Nothing to remove: the file has no such sharing now.');
  const request: PlannedRequest = { id: randomUUID(), kind, requestedBy: v.actor, at: v.deps.clock(), fileId: detection.objectId, owner: detection.actor, plan };
  const recorded = await applyChange(v.ctx.models, school.id, v.caseId, v.actor, (state) => ({ ok: true, action: 'remediation-requested', after: { remediationRequests: [...state.remediationRequests, request] }, note: null }), v.deps.clock);
  if (!recorded.ok) return caseCard(v, recorded.reason);
  return renderCard('case-remediation', {
    title: `Preview: ${DRIVE_KINDS[kind as DriveKind].toLowerCase()} (${recorded.loaded.doc.number})`,
    message: 'Nothing has changed yet. If you approve, Lantern will remove these from the file, acting as its owner:',
    removals: plan.map((p) => ({ who: p.who, role: p.role })),
    next: 'Approving is recorded on the case with your name and Google\'s answer.',
    caseId: v.caseId,
    requestId: request.id,
  });
}

/**
 * The explicit approval: claims the request with a timeline entry (so a double click performs it once),
 * deletes exactly the previewed permissions, and records Google's answer for each.
 */
export async function approveRemediation(v: CaseVerbContext): Promise<AdaptiveCardJson> {
  const school = v.ctx.sender.school;
  const requestId = typeof v.ctx.data.requestId === 'string' ? v.ctx.data.requestId : '';
  if (!school || !requestId) return badCaseDataCard();
  if (!remediationEnabled(school)) return caseCard(v, 'Nothing was changed: remediation is switched off for your school.');
  const claimed = await applyChange(v.ctx.models, school.id, v.caseId, v.actor, (state) => {
    const request = state.remediationRequests.find((r) => r.id === requestId) as PlannedRequest | undefined;
    if (!request?.plan || !request.fileId) return { ok: false, reason: 'This preview is out of date. Press the fix button again.' };
    if (request.approvedBy) return { ok: false, reason: `${request.approvedBy.name} has already approved this fix.` };
    const updated = state.remediationRequests.map((r) => (r.id === requestId ? { ...r, approvedBy: v.actor } : r));
    return { ok: true, action: 'remediation-approved', after: { remediationRequests: updated }, note: null };
  }, v.deps.clock);
  if (!claimed.ok) return caseCard(v, claimed.reason);
  const request = claimed.loaded.state.remediationRequests.find((r) => r.id === requestId) as PlannedRequest;
  const results = await performDriveRemoval(v.ctx.config, { fileId: request.fileId as string, owner: request.owner as string, removals: request.plan ?? [] });
  const ok = results.every((r) => r.status >= 200 && r.status < 300);
  const recorded = await applyChange(v.ctx.models, school.id, v.caseId, v.actor, (state) => ({
    ok: true,
    action: 'remediation-approved',
    after: { remediationRequests: state.remediationRequests.map((r) => (r.id === requestId ? { ...r, result: results } : r)) },
    note: `Google answered: ${results.map((r) => `${r.permissionId} → ${r.status}${r.error ? ` (${r.error})` : ''}`).join('; ')}`,
  }), v.deps.clock);
  await publishCaseCard(v.deps, school, v.caseId).catch(() => undefined);
  const notice = ok ? `Done: ${results.length} permission(s) removed. Recorded on the case.` : 'Some removals failed; Google\'s answers are recorded on the case. Ask your IT manager to check the file.';
  return recorded.ok ? renderChannelCard(v.ctx.models, school, recorded.loaded, v.deps.clock(), notice) : caseCard(v, notice);
}
