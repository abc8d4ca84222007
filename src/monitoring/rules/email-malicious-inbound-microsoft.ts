import { asArray, asObject, text } from '../records/read.js';
import type { Rule } from '../rule.js';
import { makeAlert, makeO365, PUPIL } from './fixtures.js';
import { vendorSeverity, who } from './helpers.js';

/** True for a Defender for Office 365 (email) alert. */
export function isEmailAlert(raw: Readonly<Record<string, unknown>>): boolean {
  const source = text(raw, 'serviceSource').toLowerCase();
  if (source === 'microsoftdefenderforoffice365') return true;
  return asArray(raw.evidence).some((e) => /analyzedMessageEvidence|mailboxEvidence|mailClusterEvidence/i.test(String(asObject(e)?.['@odata.type'] ?? '')));
}

/** Malware or phishing mail reaching a school mailbox (Defender for Office 365 verdicts and alerts). */
export const emailMaliciousInboundMicrosoft: Rule = {
  id: 'email.malicious_inbound.microsoft',
  family: 'email.malicious_inbound',
  source: 'microsoft',
  title: 'Malware or phishing mail to a school mailbox',
  category: 'commerce',
  categoryLogic: 'security for malware; commerce for phishing (scams)',
  severity: 'medium',
  severityLogic: 'delivered malware high, delivered phishing medium, blocked low; alerts keep Defender\'s severity; raised one step for pupil recipients',
  foldWindowMinutes: 60,
  runbook: 'Check whether the recipient clicked or opened it; if so reset their password and check the device. Purge the message from other mailboxes with Defender Explorer.',
  triggers: [{ kind: 'o365.management.activity', operations: ['TIMailData'] }, { kind: 'graph.alert' }],
  evaluate(record) {
    if (record.kind === 'graph.alert') {
      const raw = record.raw;
      const severity = vendorSeverity(text(raw, 'severity'));
      if (!severity || !isEmailAlert(raw) || ['resolved', 'dismissed'].includes(text(raw, 'status').toLowerCase())) return undefined;
      return { summary: `Microsoft Defender raised an email alert (${text(raw, 'category') || 'email threat'}) for ${who(record.actor)}.`, severity, category: /malware/i.test(text(raw, 'category')) ? 'security' : 'commerce' };
    }
    if (record.kind !== 'o365.management.activity') return undefined;
    const verdict = text(record.raw, 'Verdict').toLowerCase();
    if (verdict !== 'malware' && verdict !== 'phish') return undefined;
    const delivered = /deliver|inbox/i.test(text(record.raw, 'DeliveryAction')) && !/blocked|junk|quarantin/i.test(text(record.raw, 'DeliveryAction'));
    const recipients = asArray(record.raw.Recipients).filter((r): r is string => typeof r === 'string').map((r) => r.toLowerCase());
    const sender = text(record.raw, 'P1Sender').toLowerCase();
    return {
      summary: `Defender judged a message${sender ? ` from ${sender}` : ''} to ${recipients.join(', ') || 'a school mailbox'} as ${verdict === 'malware' ? 'malware' : 'phishing'}${delivered ? ' and it was delivered' : ' (not delivered)'}.`,
      ...(sender ? { target: sender } : {}),
      subjects: recipients,
      severity: !delivered ? 'low' : verdict === 'malware' ? 'high' : 'medium',
      category: verdict === 'malware' ? 'security' : 'commerce',
    };
  },
  samples: {
    positive: [
      { name: 'phish delivered to a pupil', records: [makeO365('TIMailData', { Workload: 'ThreatIntelligence', RecordType: 28, Verdict: 'Phish', DeliveryAction: 'Delivered', Recipients: [PUPIL], P1Sender: 'prize@scam.example' })], expect: { severity: 'high', category: 'commerce', pupilInvolved: true } },
      { name: 'malware blocked', records: [makeO365('TIMailData', { Workload: 'ThreatIntelligence', Verdict: 'Malware', DeliveryAction: 'Blocked', Recipients: ['j.smith@northgate.example'] })], expect: { severity: 'low', category: 'security' } },
      { name: 'Defender for Office alert', records: [makeAlert({ serviceSource: 'microsoftDefenderForOffice365', category: 'InitialAccess', title: 'Email messages containing malicious URL removed after delivery', severity: 'high' })] },
    ],
    negative: [
      { name: 'spam verdict', records: [makeO365('TIMailData', { Workload: 'ThreatIntelligence', Verdict: 'Spam', DeliveryAction: 'Junked' })] },
      { name: 'resolved email alert', records: [makeAlert({ serviceSource: 'microsoftDefenderForOffice365', status: 'resolved' })] },
      { name: 'identity alert (other family)', records: [makeAlert({ serviceSource: 'microsoftDefenderForIdentity' })] },
    ],
  },
};
