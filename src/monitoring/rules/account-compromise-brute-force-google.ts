import type { Rule } from '../rule.js';
import { makeLoginEvent, repeat, at } from './fixtures.js';
import { who } from './helpers.js';

/** Many failed Google sign-ins to one account in a short time: password guessing. */
export const accountCompromiseBruteForceGoogle: Rule = {
  id: 'account.compromise_signal.google.brute_force',
  family: 'account.compromise_signal',
  source: 'google',
  title: 'Repeated failed Google sign-ins to one account',
  category: 'security',
  categoryLogic: 'always security',
  severity: 'medium',
  severityLogic: 'medium; raised one step for pupil accounts (pupils sharing or guessing each other\'s passwords is a conduct conversation too)',
  threshold: { count: 20, windowMinutes: 10 },
  foldWindowMinutes: 60,
  runbook: 'Check where the attempts came from; if not the user, reset the password and make sure 2-step verification is on. For pupils, ask whether someone knows their password.',
  triggers: [{ kind: 'google.reports.activity', applications: ['login'], events: ['login_failure'] }],
  evaluate(record) {
    if (record.kind !== 'google.reports.activity' || !record.events.some((e) => e.name === 'login_failure')) return undefined;
    return { summary: `Many failed sign-ins to ${who(record.actor)} in a short time (possible password guessing).`, counterKey: record.actor, subjects: record.actor ? [record.actor] : [] };
  },
  samples: {
    positive: [{ name: '20 failures in 5 minutes', records: repeat(20, (i) => makeLoginEvent('login_failure', { login_failure_type: 'login_failure_invalid_password' }, { time: at(i * 15) })), expect: { count: 20 } }],
    negative: [
      { name: '19 failures', records: repeat(19, (i) => makeLoginEvent('login_failure', {}, { time: at(i * 15) })) },
      { name: '20 failures spread over a day', records: repeat(20, (i) => makeLoginEvent('login_failure', {}, { time: at(i * 3600) })) },
    ],
  },
};
