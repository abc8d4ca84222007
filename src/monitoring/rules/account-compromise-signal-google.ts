import { paramBool, paramText } from '../records/google-params.js';
import type { Rule } from '../rule.js';
import type { Severity } from '../types.js';
import { makeLoginEvent, PUPIL } from './fixtures.js';
import { who } from './helpers.js';

/** Google account warnings that mean someone else may have the account, with their severity and wording. */
const WARNINGS: Readonly<Record<string, { severity: Severity; says: string }>> = {
  suspicious_login: { severity: 'medium', says: 'Google blocked or flagged a suspicious sign-in' },
  suspicious_login_less_secure_app: { severity: 'medium', says: 'Google flagged a suspicious sign-in from a less secure app' },
  suspicious_programmatic_login: { severity: 'medium', says: 'Google flagged a suspicious programmatic sign-in' },
  gov_attack_warning: { severity: 'high', says: 'Google warned of a government-backed attack' },
  account_disabled_password_leak: { severity: 'high', says: 'Google disabled the account because its password leaked' },
  account_disabled_hijacked: { severity: 'high', says: 'Google disabled the account as hijacked' },
  account_disabled_spamming: { severity: 'medium', says: 'Google disabled the account for sending spam (often a taken-over account)' },
  account_disabled_spamming_through_relay: { severity: 'medium', says: 'Google disabled the account for relaying spam' },
};
const FLAGGABLE = ['login_success', 'login_failure', 'login_challenge', 'login_verification'];
// Looked up for every sign-in event, so as a Map and a Set rather than an object walk and an array search.
const WARNING_BY_NAME: ReadonlyMap<string, { severity: Severity; says: string }> = new Map(Object.entries(WARNINGS));
const FLAGGABLE_NAMES: ReadonlySet<string> = new Set(FLAGGABLE);

/** Google's own signals that an account may be compromised: account warnings and sign-ins marked suspicious. */
export const accountCompromiseSignalGoogle: Rule = {
  id: 'account.compromise_signal.google',
  family: 'account.compromise_signal',
  source: 'google',
  title: 'Google account compromise warning',
  category: 'security',
  categoryLogic: 'always security',
  severity: 'medium',
  severityLogic: 'high for leaked passwords, hijacking and state-backed attack warnings, medium otherwise; raised one step for pupil accounts',
  foldWindowMinutes: 24 * 60,
  runbook: 'Reset the password, sign the account out everywhere and check 2-step verification, forwarding and recent Drive sharing; talk to the account holder.',
  triggers: [{ kind: 'google.reports.activity', applications: ['login'], events: [...Object.keys(WARNINGS), ...FLAGGABLE] }],
  evaluate(record) {
    if (record.kind !== 'google.reports.activity') return undefined;
    for (const ev of record.events) {
      const warning = WARNING_BY_NAME.get(ev.name);
      if (!warning && !(FLAGGABLE_NAMES.has(ev.name) && paramBool(ev.parameters, 'is_suspicious') === true)) continue;
      const affected = paramText(ev.parameters, 'affected_email_address').toLowerCase() || record.actor;
      const account = affected ? { target: affected, subjects: [affected] } : {};
      if (warning) return { summary: `${warning.says} for ${who(affected)}.`, severity: warning.severity, ...account };
      return { summary: `Google marked a sign-in to ${who(affected)} as suspicious.`, severity: 'medium', ...account };
    }
    return undefined;
  },
  samples: {
    positive: [
      { name: 'suspicious login warning', records: [makeLoginEvent('suspicious_login', { affected_email_address: 'j.smith@northgate.example' }, { type: 'account_warning' })] },
      { name: 'leaked password on a pupil account', records: [makeLoginEvent('account_disabled_password_leak', { affected_email_address: PUPIL }, { type: 'account_warning', actor: PUPIL })], expect: { severity: 'critical' } },
      { name: 'sign-in flagged suspicious', records: [makeLoginEvent('login_success', { is_suspicious: true, login_type: 'google_password' })] },
    ],
    negative: [
      { name: 'normal sign-in', records: [makeLoginEvent('login_success', { login_type: 'google_password', is_suspicious: false })] },
      { name: 'logout', records: [makeLoginEvent('logout')] },
    ],
  },
};
