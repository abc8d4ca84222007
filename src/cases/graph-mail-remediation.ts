import type { LanternConfig, School } from '../config/load.js';
import { appTokenProvider, GRAPH_SCOPE } from '../microsoft/auth.js';
import type { PlannedStep, StepResult } from './remediation-types.js';

/** Said on the card when no inbox rule forwards to the address: the forwarding may be a mailbox setting. */
export const SET_MAILBOX_NOTE =
  'No inbox rule of this mailbox forwards to that address. If the forwarding was set on the mailbox itself (Exchange "Set-Mailbox -ForwardingSmtpAddress"), Microsoft Graph cannot change it: ask your IT manager to clear it in the Exchange admin centre or with Set-Mailbox -ForwardingSmtpAddress $null.';

interface MessageRule {
  id?: string;
  displayName?: string;
  actions?: Record<string, unknown>;
}

/** The school's app-only Graph access: its monitoring app, else the mail-sending app. Undefined without a secret. */
export function graphAccess(config: LanternConfig, school: School): { token: () => Promise<string>; graphUrl: string } | undefined {
  const m = school.microsoft?.monitoring;
  const mail = config.mail.microsoft;
  const creds = config.monitoring.microsoft[school.id] ?? (mail.tenantId && mail.clientId && mail.clientSecret ? { tenantId: mail.tenantId, clientId: mail.clientId, clientSecret: mail.clientSecret } : undefined);
  if (!creds) return undefined;
  const tokens = appTokenProvider({ ...creds, authorityHost: m?.authorityHost ?? mail.authorityHost });
  return { token: () => tokens.token(GRAPH_SCOPE), graphUrl: (m?.graphUrl ?? mail.graphUrl).replace(/\/+$/, '') };
}

/** Whether Lantern has Microsoft credentials to act for this school. */
export function canUseGraph(config: LanternConfig, school: School): boolean {
  return graphAccess(config, school) !== undefined;
}

function addressesOf(actions: Record<string, unknown> | undefined): string[] {
  const out: string[] = [];
  for (const key of ['forwardTo', 'forwardAsAttachmentTo', 'redirectTo']) {
    const list = actions?.[key];
    if (Array.isArray(list)) for (const r of list) out.push(String((r as { emailAddress?: { address?: unknown } })?.emailAddress?.address ?? '').toLowerCase());
  }
  return out;
}

function rulesUrl(graphUrl: string, mailbox: string): string {
  return `${graphUrl}/users/${encodeURIComponent(mailbox)}/mailFolders/inbox/messageRules`;
}

/**
 * The dry run for "turn off forwarding" in Exchange Online: the mailbox's inbox rules (Graph messageRules)
 * whose forwardTo, forwardAsAttachmentTo or redirectTo names the detected address.
 */
export async function planGraphForwardingOff(config: LanternConfig, school: School, input: { mailbox: string; target: string }): Promise<PlannedStep[]> {
  const access = graphAccess(config, school);
  if (!access) throw new Error('no Microsoft credentials');
  const res = await fetch(rulesUrl(access.graphUrl, input.mailbox), { headers: { authorization: `Bearer ${await access.token()}`, accept: 'application/json' } });
  if (!res.ok) throw Object.assign(new Error(`Microsoft Graph answered ${res.status} listing inbox rules`), { status: res.status });
  const body = (await res.json()) as { value?: MessageRule[] };
  const target = input.target.toLowerCase();
  return (body.value ?? [])
    .filter((r) => r.id && addressesOf(r.actions).includes(target))
    .map((r) => ({ id: String(r.id), who: target, what: `inbox rule "${String(r.displayName ?? '').slice(0, 80)}" (deleted whole)` }));
}

/** Deletes exactly the planned inbox rules (DELETE /users/{id}/mailFolders/inbox/messageRules/{id}), keeping each answer. */
export async function performGraphForwardingOff(config: LanternConfig, school: School, input: { mailbox: string; steps: readonly PlannedStep[] }): Promise<StepResult[]> {
  const access = graphAccess(config, school);
  if (!access) return input.steps.map((s) => ({ id: s.id, status: 0, error: 'no Microsoft credentials' }));
  const results: StepResult[] = [];
  for (const step of input.steps) {
    try {
      const res = await fetch(`${rulesUrl(access.graphUrl, input.mailbox)}/${encodeURIComponent(step.id)}`, { method: 'DELETE', headers: { authorization: `Bearer ${await access.token()}` } });
      results.push({ id: step.id, status: res.status, ...(res.ok ? {} : { error: (await res.text()).slice(0, 200) }) });
    } catch (err) {
      results.push({ id: step.id, status: 0, error: err instanceof Error ? err.message.slice(0, 200) : 'failed' });
    }
  }
  return results;
}
