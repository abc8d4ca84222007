import { paramText } from '../records/google-params.js';
import type { GoogleEvent } from '../records/types.js';
import type { Rule, RuleHit } from '../rule.js';
import { ADMIN, makeGoogleEvent, PUPIL, STAFF } from './fixtures.js';
import { who } from './helpers.js';

/**
 * Admin console events (Reports API `applicationName=admin`): an admin turning off one user's 2-step
 * verification (USER_SETTINGS, parameter USER_EMAIL), and the org-unit settings that stop enforcing or
 * allowing it (SECURITY_SETTINGS, parameters ORG_UNIT_NAME, OLD_VALUE, NEW_VALUE).
 */
const ADMIN_USER_EVENT = 'TURN_OFF_2_STEP_VERIFICATION';
const ADMIN_SETTING_EVENTS: Readonly<Record<string, string>> = {
  ENFORCE_STRONG_AUTHENTICATION: 'stopped enforcing 2-step verification',
  ALLOW_STRONG_AUTHENTICATION: 'stopped allowing users to turn on 2-step verification',
};

function adminHit(actor: string, ev: GoogleEvent): RuleHit | undefined {
  if (ev.name === ADMIN_USER_EVENT) {
    const user = paramText(ev.parameters, 'USER_EMAIL').toLowerCase();
    return { summary: `${who(actor)} turned off 2-step verification for ${who(user)} in the Admin console.`, ...(user ? { target: user, subjects: [user] } : {}) };
  }
  const what = ADMIN_SETTING_EVENTS[ev.name];
  if (!what || paramText(ev.parameters, 'NEW_VALUE').toLowerCase() !== 'false') return undefined;
  const ou = paramText(ev.parameters, 'ORG_UNIT_NAME');
  return { summary: `${who(actor)} ${what} for ${ou ? `the organisational unit "${ou}"` : 'an organisational unit'}.`, objectId: `${ev.name}:${ou}`, severity: 'high' };
}

/** 2-step verification turned off: by the user, by an admin for one user, or for an organisational unit. */
export const accountMfaDisabledGoogle: Rule = {
  id: 'account.mfa_disabled.google',
  family: 'account.mfa_disabled',
  source: 'google',
  title: '2-step verification turned off',
  category: 'security',
  categoryLogic: 'always security',
  severity: 'medium',
  severityLogic:
    'medium for one account (by the user or by an admin), high when an organisational unit stops enforcing or allowing it; raised one step for pupil accounts. Leaving the Advanced Protection Program is not reported (2-step verification stays on)',
  foldWindowMinutes: 24 * 60,
  runbook: 'Ask the user (or the admin who did it) why; if nobody planned it, treat the account as compromised and turn 2-step verification back on. Enforce it for staff in the Admin console.',
  triggers: [
    { kind: 'google.reports.activity', applications: ['user_accounts', 'login'], events: ['2sv_disable'] },
    { kind: 'google.reports.activity', applications: ['admin'], events: [ADMIN_USER_EVENT, ...Object.keys(ADMIN_SETTING_EVENTS)] },
  ],
  evaluate(record) {
    if (record.kind !== 'google.reports.activity') return undefined;
    if (record.application === 'admin') {
      for (const ev of record.events) {
        const hit = adminHit(record.actor, ev);
        if (hit) return hit;
      }
      return undefined;
    }
    if (!record.events.some((e) => e.name === '2sv_disable')) return undefined;
    return { summary: `${who(record.actor)} turned off 2-step verification.`, subjects: record.actor ? [record.actor] : [] };
  },
  samples: {
    positive: [
      { name: 'staff turns off 2SV', records: [makeGoogleEvent('user_accounts', '2sv_disable', {}, { type: '2sv_change' })], expect: { severity: 'medium' } },
      { name: 'pupil turns off 2SV (login app)', records: [makeGoogleEvent('login', '2sv_disable', {}, { actor: PUPIL })], expect: { severity: 'high' } },
      {
        name: "admin turns off a pupil's 2SV in the Admin console",
        records: [makeGoogleEvent('admin', ADMIN_USER_EVENT, { USER_EMAIL: PUPIL }, { actor: ADMIN, type: 'USER_SETTINGS' })],
        expect: { severity: 'high', pupilInvolved: true },
      },
      { name: "admin turns off a member of staff's 2SV", records: [makeGoogleEvent('admin', ADMIN_USER_EVENT, { USER_EMAIL: STAFF }, { actor: ADMIN, type: 'USER_SETTINGS' })], expect: { severity: 'medium' } },
      {
        name: '2SV enforcement turned off for an OU',
        records: [makeGoogleEvent('admin', 'ENFORCE_STRONG_AUTHENTICATION', { ORG_UNIT_NAME: 'Staff', OLD_VALUE: 'true', NEW_VALUE: 'false' }, { actor: ADMIN, type: 'SECURITY_SETTINGS' })],
        expect: { severity: 'high' },
      },
    ],
    negative: [
      { name: 'enrols in 2SV', records: [makeGoogleEvent('user_accounts', '2sv_enroll')] },
      { name: 'leaves Advanced Protection', records: [makeGoogleEvent('user_accounts', 'titanium_unenroll')] },
      { name: '2SV enforcement turned on', records: [makeGoogleEvent('admin', 'ENFORCE_STRONG_AUTHENTICATION', { ORG_UNIT_NAME: 'Staff', OLD_VALUE: 'false', NEW_VALUE: 'true' }, { actor: ADMIN, type: 'SECURITY_SETTINGS' })] },
      { name: 'admin generates backup codes', records: [makeGoogleEvent('admin', 'GENERATE_2SV_SCRATCH_CODES', { USER_EMAIL: STAFF }, { actor: ADMIN, type: 'USER_SETTINGS' })] },
    ],
  },
};
