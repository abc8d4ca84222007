import { findParam, paramBool, paramInt, paramMessage, paramMessages, paramText } from '../records/google-params.js';
import { asObject } from '../records/read.js';
import type { GoogleEvent } from '../records/types.js';
import type { Rule, RuleHit } from '../rule.js';
import { makeGoogleEvent, PUPIL } from './fixtures.js';
import { who } from './helpers.js';

/** Gmail SMTP response reasons that mean malware or a known-bad sender (Panther's list; 13–18 are blocklist/spam rejections). */
const MALICIOUS_SMTP_REASONS = new Set([3, 13, 14, 15, 16, 17, 18]);

function attachments(messageInfo: readonly unknown[]): (readonly unknown[])[] {
  const single = asObject(findParam(messageInfo, 'attachment')?.messageValue);
  return single ? [paramMessage(messageInfo, 'attachment')] : paramMessages(messageInfo, 'attachment');
}

function judgeDelivery(ev: GoogleEvent, recipient: string): RuleHit | undefined {
  const info = paramMessage(ev.parameters, 'message_info');
  // Attachments, SMTP reason and sender checks all live in message_info: without it there is nothing to judge,
  // and returning here keeps the common case (an ordinary delivery) small for the JIT.
  if (info.length === 0) return undefined;
  const conn = paramMessage(info, 'connection_info');
  const delivered = paramBool(paramMessage(ev.parameters, 'event_info'), 'success') !== false;
  const sender = paramText(paramMessage(info, 'source'), 'address').toLowerCase();
  const from = sender ? ` from ${sender}` : '';
  const malware = attachments(info).some((a) => paramText(a, 'malware_family') !== '');
  if (malware) {
    return {
      summary: `A message${from} to ${who(recipient)} carried an attachment Gmail flagged as malware${delivered ? '' : ' (not delivered)'}.`,
      ...(sender ? { target: sender } : {}),
      severity: delivered ? 'high' : 'low',
      category: 'security',
    };
  }
  const reason = paramInt(conn, 'smtp_response_reason');
  if (reason !== undefined && MALICIOUS_SMTP_REASONS.has(reason)) {
    return {
      summary: `Gmail rejected a message${from} to ${who(recipient)} as ${reason === 3 ? 'malware' : 'coming from a known-bad sender'} (SMTP reason ${reason}).`,
      ...(sender ? { target: sender } : {}),
      severity: delivered ? 'medium' : 'low',
      category: reason === 3 ? 'security' : 'commerce',
    };
  }
  const dmarc = paramBool(conn, 'dmarc_pass');
  const spoofed = dmarc === false || (paramBool(conn, 'spf_pass') === false && paramBool(conn, 'dkim_pass') === false);
  if (spoofed && delivered) {
    return {
      summary: `A message${from} that failed sender authentication (${dmarc === false ? 'DMARC' : 'SPF and DKIM'}) was delivered to ${who(recipient)}: possible spoofing or phishing.`,
      ...(sender ? { target: sender } : {}),
      severity: 'medium',
      category: 'commerce',
    };
  }
  return undefined;
}

function judgeRuleTrigger(ev: GoogleEvent, actor: string): RuleHit | undefined {
  const phishing = paramMessages(ev.parameters, 'triggered_actions').some((a) => paramText(a, 'action_type') === 'MAIL_MARK_AS_PHISHING');
  if (!phishing) return undefined;
  return { summary: `A school Gmail rule marked a message to ${who(actor)} as phishing.`, severity: 'medium', category: 'commerce' };
}

/** Malware, spoofed or known-bad mail reaching a school mailbox (Gmail logs). Spam on its own is not reported. */
export const emailMaliciousInboundGoogle: Rule = {
  id: 'email.malicious_inbound.google',
  family: 'email.malicious_inbound',
  source: 'google',
  title: 'Malicious or spoofed mail to a school mailbox',
  category: 'security',
  categoryLogic: 'security for malware; commerce for spoofing, phishing and known-bad senders (scams)',
  severity: 'medium',
  severityLogic: 'high for delivered malware, medium for delivered spoofing/phishing, low when Gmail blocked it; raised one step when the recipient is a pupil',
  foldWindowMinutes: 60,
  runbook: 'Check with the recipient whether they opened links or attachments; if so reset their password and check the device. Report phishing to the NCSC (report@phishing.gov.uk).',
  triggers: [
    { kind: 'google.reports.activity', applications: ['gmail'], events: ['delivery'] },
    { kind: 'google.reports.activity', applications: ['rules'], events: ['rule_trigger'] },
  ],
  evaluate(record) {
    if (record.kind !== 'google.reports.activity') return undefined;
    for (const ev of record.events) {
      const hit = ev.name === 'delivery' ? judgeDelivery(ev, record.actor) : ev.name === 'rule_trigger' ? judgeRuleTrigger(ev, record.actor) : undefined;
      if (hit) return hit;
    }
    return undefined;
  },
  samples: {
    positive: [
      { name: 'malware attachment delivered', records: [makeGoogleEvent('gmail', 'delivery', { message_info: { attachment: { malware_family: 2, file_name: 'x.exe' } } })], expect: { severity: 'high', category: 'security' } },
      {
        name: 'DMARC failure delivered to a pupil',
        records: [makeGoogleEvent('gmail', 'delivery', { event_info: { success: true }, message_info: { source: { address: 'ceo@fake.example' }, connection_info: { dmarc_pass: false, spf_pass: true, dkim_pass: true } } }, { actor: PUPIL })],
        expect: { category: 'commerce', severity: 'high' },
      },
      { name: 'rejected as blocklisted sender', records: [makeGoogleEvent('gmail', 'delivery', { event_info: { success: false }, message_info: { connection_info: { smtp_response_reason: 13 } } })], expect: { severity: 'low' } },
      { name: 'admin rule marks phishing', records: [makeGoogleEvent('rules', 'rule_trigger', { triggered_actions: [{ action_type: 'MAIL_MARK_AS_PHISHING' }] })] },
    ],
    negative: [
      { name: 'clean mail', records: [makeGoogleEvent('gmail', 'delivery', { event_info: { success: true }, message_info: { connection_info: { dmarc_pass: true, spf_pass: true, dkim_pass: true, smtp_response_reason: 1 } } })] },
      { name: 'spam only', records: [makeGoogleEvent('gmail', 'delivery', { message_info: { is_spam: true } })] },
      { name: 'spoofed but blocked', records: [makeGoogleEvent('gmail', 'delivery', { event_info: { success: false }, message_info: { connection_info: { dmarc_pass: false, spf_pass: false, dkim_pass: false, smtp_response_reason: 4 } } })] },
      { name: 'only SPF failed', records: [makeGoogleEvent('gmail', 'delivery', { message_info: { connection_info: { dmarc_pass: true, spf_pass: false, dkim_pass: true } } })] },
    ],
  },
};
