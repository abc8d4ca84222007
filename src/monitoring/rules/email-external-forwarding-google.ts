import { paramText } from '../records/google-params.js';
import type { Rule } from '../rule.js';
import { makeGoogleEvent, PUPIL } from './fixtures.js';
import { describeOutside, outboundCategory, who } from './helpers.js';

/** Gmail set to forward a mailbox to an address outside the school. */
export const emailExternalForwardingGoogle: Rule = {
  id: 'email.external_forwarding.google',
  family: 'email.external_forwarding',
  source: 'google',
  title: 'Gmail forwarding to an outside address',
  category: 'security',
  categoryLogic: 'security for staff (school mail leaves the school); a pupil forwarding to a personal address is contact, otherwise conduct',
  severity: 'high',
  severityLogic: 'high (every future message, including about pupils, leaves the school); raised one step for pupil accounts',
  foldWindowMinutes: 24 * 60,
  runbook: 'Confirm with the account holder; if they did not set it up, treat the account as compromised (reset password, sign out sessions). Turn the forwarding off (remediation).',
  triggers: [{ kind: 'google.reports.activity', applications: ['user_accounts', 'login'], events: ['email_forwarding_out_of_domain'] }],
  evaluate(record, ctx) {
    if (record.kind !== 'google.reports.activity') return undefined;
    for (const ev of record.events) {
      if (ev.name !== 'email_forwarding_out_of_domain') continue;
      const to = paramText(ev.parameters, 'email_forwarding_destination_address').trim().toLowerCase();
      const cls = to ? ctx.classifyAddress(to) : 'external';
      if (cls === 'own' || cls === 'trusted') continue;
      return {
        summary: `${who(record.actor)}'s mail is now forwarded to ${to || 'an address outside the school'}${to ? ` (${describeOutside(cls)})` : ''}.`,
        ...(to ? { target: to } : {}),
        category: outboundCategory(ctx, record.actor, cls),
      };
    }
    return undefined;
  },
  samples: {
    positive: [
      { name: 'forward to gmail', records: [makeGoogleEvent('user_accounts', 'email_forwarding_out_of_domain', { email_forwarding_destination_address: 'JSmith@gmail.com' }, { type: 'email_forwarding_change' })], expect: { severity: 'high', category: 'security' } },
      { name: 'pupil forwards to a personal address', records: [makeGoogleEvent('login', 'email_forwarding_out_of_domain', { email_forwarding_destination_address: 'amira2013@outlook.com' }, { actor: PUPIL })], expect: { category: 'contact', severity: 'critical' } },
    ],
    negative: [
      { name: 'forward to the trust (trusted domain)', records: [makeGoogleEvent('user_accounts', 'email_forwarding_out_of_domain', { email_forwarding_destination_address: 'head@northshire-council.example' })] },
      { name: '2-step enrolment', records: [makeGoogleEvent('user_accounts', '2sv_enroll')] },
    ],
  },
};
