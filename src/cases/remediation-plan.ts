import type { LanternConfig, School } from '../config/load.js';
import { performDriveRemoval, planDriveRemoval } from './drive-remediation.js';
import { performGmailForwardingOff, planGmailForwardingOff } from './gmail-remediation.js';
import { performGraphSharingRemoval, planGraphSharingRemoval, type DriveItemRef } from './graph-sharing-remediation.js';
import { canUseGraph, performGraphForwardingOff, planGraphForwardingOff, SET_MAILBOX_NOTE } from './graph-mail-remediation.js';
import type { PlannedStep, RemediationProvider, StepResult } from './remediation-types.js';
import type { LinkedDetection } from './state.js';

/** The fixes Lantern offers (B6), by the words on their buttons. */
export const REMEDIATION_KINDS = {
  'remove-public-link': 'Remove the public link',
  'remove-external-access': 'Remove external access',
  'turn-off-forwarding': 'Turn off forwarding',
} as const;
export type RemediationKind = keyof typeof REMEDIATION_KINDS;

/** What a dry run found: the provider, the account Lantern acts as or on, and exactly what would change. */
export interface RemediationPlan {
  provider: RemediationProvider;
  /** The file owner (Drive) or the mailbox. */
  account: string;
  fileId?: string;
  /** SharePoint / OneDrive: the item as Graph addresses it. */
  driveItem?: DriveItemRef;
  steps: PlannedStep[];
}

/** Why a fix cannot be previewed, in words for the DSL (the request is still recorded for IT). */
export interface NoPlan {
  reason: string;
}

const isMicrosoft = (d: LinkedDetection) => /microsoft|graph|o365/i.test(d.ruleId);

/** The detection of a case a fix applies to: sharing fixes need the item and its owner, forwarding the mailbox and address. */
export function detectionFor(kind: RemediationKind, detections: readonly LinkedDetection[]): LinkedDetection | undefined {
  if (kind === 'turn-off-forwarding') return [...detections].reverse().find((d) => d.family === 'email.external_forwarding' && d.actor && d.target);
  return [...detections].reverse().find((d) => d.family.startsWith('sharing.') && d.objectId && d.actor);
}

/** The dry run: asks Google or Microsoft what is there now and returns exactly what the fix would remove. */
export async function planRemediation(config: LanternConfig, school: School, kind: RemediationKind, d: LinkedDetection): Promise<RemediationPlan | NoPlan> {
  const account = String(d.actor);
  if (kind === 'turn-off-forwarding') {
    const target = String(d.target);
    if (isMicrosoft(d)) {
      if (!canUseGraph(config, school)) return { reason: 'Lantern has no Microsoft credentials for your school (LANTERN_MS_CLIENT_SECRET): ask your IT manager to remove the forwarding.' };
      const steps = await planGraphForwardingOff(config, school, { mailbox: account, target });
      return steps.length ? { provider: 'microsoft-mail', account, steps } : { reason: SET_MAILBOX_NOTE };
    }
    const steps = await planGmailForwardingOff(config, { mailbox: account, target });
    return steps.length ? { provider: 'google-gmail', account, steps } : { reason: `Nothing to turn off: the mailbox no longer forwards to ${target} (automatic forwarding or a filter).` };
  }
  if (isMicrosoft(d)) {
    // Graph's permissions API needs the drive and item ids; the audit record gives the site, list and list-item
    // id, from which Graph finds them. Older detections (or records without them) cannot be located.
    if (!d.location) return { reason: 'Lantern cannot find this SharePoint / OneDrive item (the audit record did not name its site and list): ask your IT manager to remove the link or guest.' };
    if (!canUseGraph(config, school)) return { reason: 'Lantern has no Microsoft credentials for your school (LANTERN_MS_CLIENT_SECRET): ask your IT manager to remove the link or guest.' };
    const { item, steps } = await planGraphSharingRemoval(config, school, { ...d.location, listItemId: String(d.objectId), kind });
    return steps.length ? { provider: 'microsoft-sharing', account, driveItem: item, steps } : { reason: 'Nothing to remove: the item has no such sharing now.' };
  }
  const removals = await planDriveRemoval(config, school, { fileId: String(d.objectId), owner: account, kind });
  if (removals.length === 0) return { reason: 'Nothing to remove: the file has no such sharing now.' };
  return { provider: 'google-drive', account, fileId: String(d.objectId), steps: removals.map((r) => ({ id: r.permissionId, who: r.who, what: r.role })) };
}

/** Carries out exactly a previewed plan, keeping the API's answer for each step. */
export async function performRemediation(config: LanternConfig, school: School, plan: RemediationPlan): Promise<StepResult[]> {
  if (plan.provider === 'google-gmail') return performGmailForwardingOff(config, { mailbox: plan.account, steps: plan.steps });
  if (plan.provider === 'microsoft-mail') return performGraphForwardingOff(config, school, { mailbox: plan.account, steps: plan.steps });
  if (plan.provider === 'microsoft-sharing' && plan.driveItem) return performGraphSharingRemoval(config, school, { item: plan.driveItem, steps: plan.steps });
  const results = await performDriveRemoval(config, { fileId: String(plan.fileId), owner: plan.account, removals: plan.steps.map((s) => ({ permissionId: s.id, type: '', role: s.what, who: s.who })) });
  return results.map((r) => ({ id: r.permissionId, status: r.status, ...(r.error ? { error: r.error } : {}) }));
}

/** Who answered, for the case record. */
export function answeredBy(plan: RemediationPlan): string {
  return plan.provider.startsWith('microsoft') ? 'Microsoft' : 'Google';
}
