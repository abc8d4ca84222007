import { child } from '../records/read.js';
import type { Rule } from '../rule.js';
import { at, makeO365, makeSignIn, repeat } from './fixtures.js';
import { who } from './helpers.js';

/** Entra sign-in error codes that mean a wrong or guessed credential (50126 bad password, 50053 locked, 50034 no such user). */
const CREDENTIAL_FAILURES = new Set([50126, 50053, 50034]);

/** Many failed Microsoft sign-ins to one account in a short time: password guessing or spraying. */
export const accountCompromiseBruteForceMicrosoft: Rule = {
  id: 'account.compromise_signal.microsoft.brute_force',
  family: 'account.compromise_signal',
  source: 'microsoft',
  title: 'Repeated failed Microsoft sign-ins to one account',
  category: 'security',
  categoryLogic: 'always security',
  severity: 'medium',
  severityLogic: 'medium; raised one step for pupil accounts',
  threshold: { count: 20, windowMinutes: 10 },
  foldWindowMinutes: 60,
  runbook: 'Check the failed sign-ins in Entra ID; if not the user, reset the password, check MFA registration and consider a sign-in risk policy.',
  triggers: [{ kind: 'graph.signIn' }, { kind: 'o365.management.activity', operations: ['UserLoginFailed'] }],
  evaluate(record) {
    if (record.kind === 'graph.signIn') {
      const code = child(record.raw, 'status')?.errorCode;
      if (typeof code !== 'number' || !CREDENTIAL_FAILURES.has(code) || !record.actor) return undefined;
    } else if (record.kind !== 'o365.management.activity' || record.operation !== 'UserLoginFailed' || !record.actor) {
      return undefined;
    }
    return { summary: `Many failed sign-ins to ${who(record.actor)} in a short time (possible password guessing).`, counterKey: record.actor, subjects: [record.actor] };
  },
  samples: {
    positive: [
      { name: '20 bad passwords (Graph)', records: repeat(20, (i) => makeSignIn({ createdDateTime: at(i * 10), status: { errorCode: 50126, failureReason: 'Invalid username or password' } })), expect: { count: 20 } },
      { name: '20 failures (Management API)', records: repeat(20, (i) => makeO365('UserLoginFailed', { Workload: 'AzureActiveDirectory', RecordType: 15, CreationTime: at(i * 10).slice(0, 19), LogonError: 'InvalidUserNameOrPassword' })) },
    ],
    negative: [
      { name: 'one failure', records: [makeSignIn({ status: { errorCode: 50126 } })] },
      { name: 'MFA prompts are not failures', records: repeat(25, (i) => makeSignIn({ createdDateTime: at(i), status: { errorCode: 50074 } })) },
    ],
  },
};
