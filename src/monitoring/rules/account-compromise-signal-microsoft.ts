import { child, text } from '../records/read.js';
import type { Rule } from '../rule.js';
import { makeSignIn, PUPIL } from './fixtures.js';
import { who } from './helpers.js';

/** Risk states that mean the risk was handled (an admin dismissed it, or it was remediated / confirmed safe). */
const HANDLED = new Set(['dismissed', 'remediated', 'confirmedsafe']);
const RISKY_LEVELS = new Set(['medium', 'high']);

/** An Entra ID sign-in that Identity Protection rated medium or high risk (and nobody has dismissed). */
export const accountCompromiseSignalMicrosoft: Rule = {
  id: 'account.compromise_signal.microsoft',
  family: 'account.compromise_signal',
  source: 'microsoft',
  title: 'Risky Entra ID sign-in',
  category: 'security',
  categoryLogic: 'always security',
  severity: 'medium',
  severityLogic: 'high for high risk or a confirmed compromise, medium for medium risk; low risk is not reported; raised one step for pupil accounts',
  foldWindowMinutes: 24 * 60,
  runbook: 'Check the sign-in in Entra ID (location, app, device); if it was not the user, reset the password, revoke sessions and confirm compromise in Identity Protection.',
  triggers: [{ kind: 'graph.signIn' }],
  evaluate(record) {
    if (record.kind !== 'graph.signIn') return undefined;
    const raw = record.raw;
    const during = text(raw, 'riskLevelDuringSignIn').toLowerCase();
    const aggregated = text(raw, 'riskLevelAggregated').toLowerCase();
    const state = text(raw, 'riskState').toLowerCase();
    if (HANDLED.has(state)) return undefined;
    const confirmed = state === 'confirmedcompromised';
    if (!confirmed && !RISKY_LEVELS.has(during) && !RISKY_LEVELS.has(aggregated)) return undefined;
    const high = confirmed || during === 'high' || aggregated === 'high';
    const account = record.actor || text(raw, 'servicePrincipalName');
    const country = text(child(raw, 'location'), 'countryOrRegion');
    const failed = (child(raw, 'status')?.errorCode ?? 0) !== 0;
    return {
      summary: `${confirmed ? 'A sign-in confirmed as compromised' : `A ${high ? 'high' : 'medium'}-risk ${failed ? 'failed ' : ''}sign-in`} for ${who(account)}${country ? ` from ${country}` : ''}.`,
      ...(account && !record.actor ? { target: account } : {}),
      severity: high ? 'high' : 'medium',
    };
  },
  samples: {
    positive: [
      { name: 'high risk during sign-in', records: [makeSignIn({ riskLevelDuringSignIn: 'high', riskState: 'atRisk', location: { countryOrRegion: 'RU' } })], expect: { severity: 'high' } },
      { name: 'medium aggregated risk for a pupil', records: [makeSignIn({ userPrincipalName: PUPIL, riskLevelAggregated: 'medium', riskState: 'atRisk' })], expect: { severity: 'high', pupilInvolved: true } },
      { name: 'confirmed compromised', records: [makeSignIn({ riskState: 'confirmedCompromised' })] },
    ],
    negative: [
      { name: 'no risk', records: [makeSignIn()] },
      { name: 'high risk dismissed by an admin', records: [makeSignIn({ riskLevelDuringSignIn: 'high', riskLevelAggregated: 'high', riskState: 'dismissed' })] },
      { name: 'low risk only', records: [makeSignIn({ riskLevelAggregated: 'low' })] },
    ],
  },
};
