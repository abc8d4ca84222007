import { text } from '../records/read.js';
import type { Rule } from '../rule.js';
import { makeAlert } from './fixtures.js';
import { vendorSeverity, who } from './helpers.js';
import { isEmailAlert } from './email-malicious-inbound-microsoft.js';
import { isIndecentImageAlert } from './content-indecent-image-graph-alert.js';

/** Alert sources about Azure infrastructure rather than school accounts. */
const NOT_ACCOUNTS = new Set(['microsoftdefenderforcloud']);

/** A Microsoft security alert about an identity or device (Defender for Identity, Entra ID Protection, Defender XDR). */
export const accountCompromiseSignalGraphAlert: Rule = {
  id: 'account.compromise_signal.graph_alert',
  family: 'account.compromise_signal',
  source: 'microsoft',
  title: 'Microsoft security alert about an account',
  category: 'security',
  categoryLogic: 'always security',
  severity: 'medium',
  severityLogic: "Defender's own severity (informational alerts are not reported); raised one step for pupil accounts",
  foldWindowMinutes: 24 * 60,
  runbook: 'Open the alert in the Microsoft Defender portal; follow its investigation steps and reset the affected account if the activity was not the user.',
  triggers: [{ kind: 'graph.alert' }],
  evaluate(record) {
    if (record.kind !== 'graph.alert') return undefined;
    const raw = record.raw;
    const severity = vendorSeverity(text(raw, 'severity'));
    const status = text(raw, 'status').toLowerCase();
    if (!severity || status === 'resolved' || status === 'dismissed') return undefined;
    if (isEmailAlert(raw) || isIndecentImageAlert(raw) || NOT_ACCOUNTS.has(text(raw, 'serviceSource').toLowerCase())) return undefined;
    const what = text(raw, 'category') || text(raw, 'title') || 'security alert';
    return { summary: `Microsoft Defender raised a ${severity} "${what}" alert for ${who(record.actor)}.`, severity, objectId: record.id };
  },
  samples: {
    positive: [
      { name: 'anonymous IP sign-in alert', records: [makeAlert({ category: 'AnonymousLogin', severity: 'medium' })], expect: { severity: 'medium' } },
      { name: 'password spray', records: [makeAlert({ category: 'PasswordSpray', severity: 'high' })], expect: { severity: 'high' } },
    ],
    negative: [
      { name: 'resolved', records: [makeAlert({ status: 'resolved', severity: 'high' })] },
      { name: 'informational', records: [makeAlert({ severity: 'informational' })] },
      { name: 'cloud infrastructure', records: [makeAlert({ serviceSource: 'microsoftDefenderForCloud', severity: 'high' })] },
    ],
  },
};
