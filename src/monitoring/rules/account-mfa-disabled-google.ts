import type { Rule } from '../rule.js';
import { makeGoogleEvent, PUPIL } from './fixtures.js';
import { who } from './helpers.js';

/** A Google account turned off 2-step verification. */
export const accountMfaDisabledGoogle: Rule = {
  id: 'account.mfa_disabled.google',
  family: 'account.mfa_disabled',
  source: 'google',
  title: '2-step verification turned off',
  category: 'security',
  categoryLogic: 'always security',
  severity: 'medium',
  severityLogic: 'medium; raised one step for pupil accounts. Leaving the Advanced Protection Program is not reported (2-step verification stays on)',
  foldWindowMinutes: 24 * 60,
  runbook: 'Ask the user why; if they did not do it, treat the account as compromised. Consider enforcing 2-step verification for staff in the Admin console.',
  triggers: [{ kind: 'google.reports.activity', applications: ['user_accounts', 'login'], events: ['2sv_disable'] }],
  evaluate(record) {
    if (record.kind !== 'google.reports.activity' || !record.events.some((e) => e.name === '2sv_disable')) return undefined;
    return { summary: `${who(record.actor)} turned off 2-step verification.`, subjects: record.actor ? [record.actor] : [] };
  },
  samples: {
    positive: [
      { name: 'staff turns off 2SV', records: [makeGoogleEvent('user_accounts', '2sv_disable', {}, { type: '2sv_change' })], expect: { severity: 'medium' } },
      { name: 'pupil turns off 2SV (login app)', records: [makeGoogleEvent('login', '2sv_disable', {}, { actor: PUPIL })], expect: { severity: 'high' } },
    ],
    negative: [
      { name: 'enrols in 2SV', records: [makeGoogleEvent('user_accounts', '2sv_enroll')] },
      { name: 'leaves Advanced Protection', records: [makeGoogleEvent('user_accounts', 'titanium_unenroll')] },
    ],
  },
};
