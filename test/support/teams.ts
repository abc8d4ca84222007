import type { LanternConfig } from '../../src/config/load.js';
import type { Models } from '../../src/stores.js';
import { createLogger, type Logger } from '../../src/log/logger.js';
import { createAdapter } from '../../src/teams/adapter.js';
import { createTeamsEdge, type TeamsEdge } from '../../src/teams/edge.js';
import { policyPageLinks } from '../../src/agreements/policy-link.js';

/** The Teams edge start-up would build (the real adapter, proactive sender and ports), for tests that call capabilities directly. */
export function teamsEdgeFor(config: LanternConfig, models: Models, options: { logger?: Logger; clock?: () => Date } = {}): TeamsEdge {
  return createTeamsEdge({ adapter: createAdapter(config), config, models, logger: options.logger ?? createLogger({ level: 'silent' }), clock: options.clock ?? (() => new Date()), policyLinks: policyPageLinks(() => config.server.publicUrl) });
}

/** The ports start-up injects into the job handlers, from the Teams edge. */
export function jobPortsFor(config: LanternConfig, models: Models, options: { logger?: Logger; clock?: () => Date } = {}): Pick<TeamsEdge, 'caseNotifier' | 'digestCards' | 'agreementCards' | 'trainingReminders' | 'withdrawalNotices'> {
  const { caseNotifier, digestCards, agreementCards, trainingReminders, withdrawalNotices } = teamsEdgeFor(config, models, options);
  return { caseNotifier, digestCards, agreementCards, trainingReminders, withdrawalNotices };
}
