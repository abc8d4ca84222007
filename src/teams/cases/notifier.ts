import type { CaseNotifier } from '../../cases/ports.js';
import { flushPendingCards, publishCaseCard, type ChannelDeps } from './channel.js';
import { notifyDeputy } from './escalation-notice.js';

/** The Teams side of the case capability's CaseNotifier port: cards in the DSL channel, the deputy's chat. */
export function createCaseNotifier(deps: ChannelDeps): CaseNotifier {
  return {
    publish: (school, caseId) => publishCaseCard(deps, school, caseId),
    flushPending: () => flushPendingCards(deps),
    tellDeputy: (school, caseId) => notifyDeputy(deps, school, caseId),
  };
}
