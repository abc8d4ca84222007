import type { CaseNotifier } from '../../cases/ports.js';
import { flushPendingCards, publishCaseCard, type ChannelDeps } from './channel.js';
import { notifyOnLadder } from './escalation-notice.js';
import { flushPendingItCards, publishItMatterCard } from './it-channel.js';

/** The Teams side of the case capability's CaseNotifier port: cards in the DSL and IT channels, the escalation ladder's chats. */
export function createCaseNotifier(deps: ChannelDeps): CaseNotifier {
  return {
    publish: (school, caseId) => publishCaseCard(deps, school, caseId),
    publishItMatter: (school, matterId) => publishItMatterCard(deps, school, matterId),
    flushPending: async () => {
      const dsl = await flushPendingCards(deps);
      const it = await flushPendingItCards(deps);
      return { posted: dsl.posted + it.posted, stillQueued: dsl.stillQueued + it.stillQueued };
    },
    tellOnLadder: (school, caseId, rung) => notifyOnLadder(deps, school, caseId, rung),
  };
}
