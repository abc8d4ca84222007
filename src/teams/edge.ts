import type { CloudAdapter } from '@microsoft/agents-hosting';
import type { AgreementCardSender } from '../agreements/ports.js';
import type { PolicyPageLinks } from '../agreements/policy-link.js';
import type { CaseNotifier } from '../cases/ports.js';
import type { LanternConfig } from '../config/load.js';
import type { Models } from '../stores.js';
import type { DigestCardPoster } from '../digest/ports.js';
import type { Logger } from '../log/logger.js';
import type { WithdrawalNoticeSender } from '../parents/ports.js';
import { createWithdrawalNoticeSender } from './parents/withdrawal-notice.js';
import type { TrainingReminderSender } from '../records/ports.js';
import { createAgreementCardSender } from './agreements/card-sender.js';
import { createChannelPoster } from './channel-poster.js';
import { createCaseNotifier } from './cases/notifier.js';
import { createDigestCardPoster } from './digest/poster.js';
import { createSendShared, type SendShared } from './send/deps.js';
import { createTrainingReminderSender } from './records/reminder-sender.js';
import { createProactiveSender, type ProactiveSender } from './send/proactive.js';

/** The Teams edge as the rest of Lantern sees it: the adapter, the one proactive sender and the ports it implements. */
export interface TeamsEdge {
  readonly adapter: CloudAdapter;
  readonly sender: ProactiveSender;
  /** The limiter, sender lease and worker id every sender of this instance shares (the queue and the install path). */
  readonly sending: SendShared;
  /** Where cards link to a policy's full text. */
  readonly policyLinks: PolicyPageLinks;
  readonly caseNotifier: CaseNotifier;
  readonly digestCards: DigestCardPoster;
  readonly agreementCards: AgreementCardSender;
  readonly trainingReminders: TrainingReminderSender;
  readonly withdrawalNotices: WithdrawalNoticeSender;
}

/** Builds the Teams edge over the one adapter start-up made (src/teams/adapter.ts) and the policy pages' address. */
export function createTeamsEdge(deps: { adapter: CloudAdapter; config: LanternConfig; models: Models; logger: Logger; clock: () => Date; policyLinks: PolicyPageLinks }): TeamsEdge {
  const sender = createProactiveSender(deps.adapter, deps.config);
  const sending = createSendShared(deps.models);
  return {
    adapter: deps.adapter,
    sender,
    sending,
    policyLinks: deps.policyLinks,
    caseNotifier: createCaseNotifier({ stores: deps.models, config: deps.config, sender, log: deps.logger, clock: deps.clock }),
    digestCards: createDigestCardPoster(createChannelPoster(deps.models, sender)),
    agreementCards: createAgreementCardSender({ config: deps.config, models: deps.models, logger: deps.logger, clock: deps.clock, sender, sending, policyLinks: deps.policyLinks }),
    trainingReminders: createTrainingReminderSender({ config: deps.config, models: deps.models, sender }),
    withdrawalNotices: createWithdrawalNoticeSender({ config: deps.config, models: deps.models, sender }),
  };
}
