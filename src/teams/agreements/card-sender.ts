import type { AgreementCardSender } from '../../agreements/ports.js';
import type { LanternConfig } from '../../config/load.js';
import type { Models } from '../../stores.js';
import type { PolicyPageLinks } from '../../agreements/policy-link.js';
import type { Logger } from '../../log/logger.js';
import { sendQueueDeps, type SendShared } from '../send/deps.js';
import type { ProactiveSender } from '../send/proactive.js';
import { workSendQueue } from '../send/queue.js';
import { deliverQuestion } from './deliver.js';

/** The Teams side of the agreements' AgreementCardSender port: the send queue and the policy owner's chat. */
export function createAgreementCardSender(deps: {
  config: LanternConfig;
  models: Models;
  logger: Logger;
  clock: () => Date;
  sender: ProactiveSender;
  sending: SendShared;
  policyLinks: PolicyPageLinks;
}): AgreementCardSender {
  return {
    sendQueued: (scope, options) => workSendQueue(sendQueueDeps(deps, deps.sending, deps.sender), scope, options),
    deliverQuestion: (questionId, log) => deliverQuestion({ sender: deps.sender, config: deps.config, models: deps.models, log }, questionId),
  };
}
