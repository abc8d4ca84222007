import { asArray, asObject, emailsIn, pairValue } from '../records/read.js';
import type { Rule } from '../rule.js';
import { makeO365, PUPIL } from './fixtures.js';
import { describeOutside, outboundCategory, outsideRank, who } from './helpers.js';

/** Exchange cmdlet parameters that send mail onwards, per operation. */
const FORWARD_PARAMS: Readonly<Record<string, readonly string[]>> = {
  'Set-Mailbox': ['ForwardingSmtpAddress', 'ForwardingAddress'],
  'New-InboxRule': ['ForwardTo', 'ForwardAsAttachmentTo', 'RedirectTo'],
  'Set-InboxRule': ['ForwardTo', 'ForwardAsAttachmentTo', 'RedirectTo'],
  'New-TransportRule': ['RedirectMessageTo', 'BlindCopyTo', 'AddToRecipients', 'CopyTo'],
  'Set-TransportRule': ['RedirectMessageTo', 'BlindCopyTo', 'AddToRecipients', 'CopyTo'],
};

/** Addresses an Outlook client rule (UpdateInboxRules) forwards or redirects to. */
function clientRuleAddresses(raw: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const p of asArray(raw.OperationProperties)) {
    const o = asObject(p);
    const name = typeof o?.Name === 'string' ? o.Name : '';
    if (/forward|redirect/i.test(name) && typeof o?.Value === 'string') out.push(...emailsIn(o.Value));
  }
  return out;
}

/** An Exchange mailbox, inbox rule or transport rule forwarding mail outside the school. */
export const emailExternalForwardingMicrosoft: Rule = {
  id: 'email.external_forwarding.microsoft',
  family: 'email.external_forwarding',
  source: 'microsoft',
  title: 'Exchange forwarding to an outside address',
  category: 'security',
  categoryLogic: 'security for staff; a pupil forwarding to a personal address is contact, otherwise conduct',
  severity: 'high',
  severityLogic: 'high; raised one step for pupil accounts',
  foldWindowMinutes: 24 * 60,
  runbook: 'Confirm with the mailbox owner; an unexpected forwarding or delete-and-forward rule is a classic account takeover sign: reset the password, revoke sessions and remove the rule (remediation).',
  triggers: [{ kind: 'o365.management.activity', operations: [...Object.keys(FORWARD_PARAMS), 'UpdateInboxRules'] }],
  evaluate(record, ctx) {
    if (record.kind !== 'o365.management.activity') return undefined;
    const names = Object.hasOwn(FORWARD_PARAMS, record.operation) ? FORWARD_PARAMS[record.operation] : undefined;
    const addresses = names ? names.flatMap((n) => emailsIn(pairValue(record.raw.Parameters, n))) : clientRuleAddresses(record.raw);
    let best: { address: string; cls: ReturnType<typeof ctx.classifyAddress> } | undefined;
    let outside = 0;
    for (const address of addresses) {
      const cls = ctx.classifyAddress(address);
      if (cls === 'own' || cls === 'trusted') continue;
      outside++;
      if (!best || outsideRank(cls) > outsideRank(best.cls)) best = { address, cls };
    }
    if (!best) return undefined;
    const mailbox = emailsIn(pairValue(record.raw.Parameters, 'Mailbox'))[0] ?? emailsIn(pairValue(record.raw.Parameters, 'Identity'))[0];
    const what = record.operation.includes('TransportRule') ? 'an organisation-wide mail flow rule' : record.operation === 'Set-Mailbox' ? 'mailbox forwarding' : 'an inbox rule';
    const others = outside > 1 ? ` and ${outside - 1} more outside address(es)` : '';
    return {
      summary: `${who(record.actor)} set up ${what} sending mail${mailbox && mailbox !== record.actor ? ` of ${mailbox}` : ''} to ${best.address} (${describeOutside(best.cls)})${others}.`,
      target: best.address,
      ...(mailbox ? { subjects: [mailbox] } : {}),
      category: outboundCategory(ctx, record.actor, best.cls),
    };
  },
  samples: {
    positive: [
      { name: 'mailbox forwarding', records: [makeO365('Set-Mailbox', { Workload: 'Exchange', Parameters: [{ Name: 'Identity', Value: 'j.smith@northgate.example' }, { Name: 'ForwardingSmtpAddress', Value: 'smtp:peter@familyguy.example.com' }] })] },
      { name: 'delete-and-forward inbox rule to several addresses', records: [makeO365('New-InboxRule', { Workload: 'Exchange', Parameters: [{ Name: 'Mailbox', Value: 'j.smith@northgate.example' }, { Name: 'ForwardTo', Value: 'a@example.com;b@gmail.com' }, { Name: 'DeleteMessage', Value: 'True' }] })] },
      { name: 'pupil forwards to outlook.com', records: [makeO365('New-InboxRule', { Workload: 'Exchange', UserId: PUPIL, Parameters: [{ Name: 'ForwardTo', Value: '"Me" [SMTP:me2013@outlook.com]' }] })], expect: { category: 'contact', severity: 'critical' } },
      { name: 'Outlook client rule', records: [makeO365('UpdateInboxRules', { Workload: 'Exchange', OperationProperties: [{ Name: 'ForwardToRecipientsAction', Value: 'x@evil.example' }] })] },
    ],
    negative: [
      { name: 'forward to a sub-domain of the school', records: [makeO365('Set-Mailbox', { Workload: 'Exchange', Parameters: [{ Name: 'ForwardingSmtpAddress', Value: 'smtp:office@admin.northgate.example' }] })] },
      { name: 'move-to-folder rule', records: [makeO365('New-InboxRule', { Workload: 'Exchange', Parameters: [{ Name: 'MoveToFolder', Value: 'Newsletters' }] })] },
    ],
  },
};
