import { gmail_v1 } from 'googleapis/build/src/apis/gmail/v1.js';
import { GOOGLE_SCOPES } from '../google/scopes.js';
import type { LanternConfig } from '../config/load.js';
import { googleAuthFactory } from '../google/auth.js';
import { failureOf, type PlannedStep, type StepResult } from './remediation-types.js';

// Auto-forwarding needs the "sharing" settings scope; filters need the basic one (Gmail API reference).
const SCOPES = [GOOGLE_SCOPES.gmailSettingsSharing.scope, GOOGLE_SCOPES.gmailSettingsBasic.scope];
const AUTO = 'auto-forwarding';

function gmailFor(config: LanternConfig, mailbox: string) {
  const auth = googleAuthFactory({ keyFile: config.mail.google.serviceAccountKeyFile, ...(config.mail.google.tokenUrl ? { tokenUrl: config.mail.google.tokenUrl } : {}) })(mailbox, SCOPES);
  return new gmail_v1.Gmail({ auth, ...(config.mail.google.apiUrl ? { rootUrl: config.mail.google.apiUrl } : {}) });
}

/**
 * The dry run for "turn off forwarding" on a Gmail mailbox, acting as its user (domain-wide delegation):
 * automatic forwarding to the detected address, and filters whose action forwards to it. Gmail filters
 * cannot be edited, only deleted, so a forwarding filter is removed whole (the preview says so).
 */
export async function planGmailForwardingOff(config: LanternConfig, input: { mailbox: string; target: string }): Promise<PlannedStep[]> {
  const gmail = gmailFor(config, input.mailbox);
  const target = input.target.toLowerCase();
  const steps: PlannedStep[] = [];
  const auto = await gmail.users.settings.getAutoForwarding({ userId: 'me' });
  if (auto.data.enabled && String(auto.data.emailAddress ?? '').toLowerCase() === target) steps.push({ id: AUTO, who: target, what: 'automatic forwarding of all mail' });
  const filters = await gmail.users.settings.filters.list({ userId: 'me' });
  for (const f of filters.data.filter ?? []) {
    if (f.id && String(f.action?.forward ?? '').toLowerCase() === target) steps.push({ id: `filter:${f.id}`, who: target, what: 'a filter that forwards matching mail (the whole filter is deleted)' });
  }
  return steps;
}

/** Carries out exactly the planned steps: users.settings.updateAutoForwarding {enabled:false}, filters.delete. */
export async function performGmailForwardingOff(config: LanternConfig, input: { mailbox: string; steps: readonly PlannedStep[] }): Promise<StepResult[]> {
  const gmail = gmailFor(config, input.mailbox);
  const results: StepResult[] = [];
  for (const step of input.steps) {
    try {
      const res = step.id === AUTO
        ? await gmail.users.settings.updateAutoForwarding({ userId: 'me', requestBody: { enabled: false } })
        : await gmail.users.settings.filters.delete({ userId: 'me', id: step.id.replace(/^filter:/, '') });
      results.push({ id: step.id, status: res.status });
    } catch (err) {
      results.push({ id: step.id, ...failureOf(err) });
    }
  }
  return results;
}
