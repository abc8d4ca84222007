import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { LanternConfig } from '../../config/load.js';
import type { Models } from '../../stores.js';
import type { Logger } from '../../log/logger.js';
import type { PolicyPageLinks } from '../../agreements/policy-link.js';
import { RateLimiter } from './rate-limit.js';
import { TenantSendLease } from './lease.js';
import type { SendQueueDeps } from './queue.js';
import type { ProactiveSender } from './proactive.js';

/**
 * What every sender of one Lantern instance shares: the send job, the tick and the install path all count against
 * Teams' per-tenant limit together and hold the tenant's sender lease as one worker.
 */
export interface SendShared {
  readonly limiter: RateLimiter;
  readonly lease: TenantSendLease;
  /** Names this instance in claims and leases. */
  readonly workerId: string;
}

/** Builds an instance's shared send state; start-up builds one (in createTeamsEdge) and injects it. */
export function createSendShared(models: Models): SendShared {
  // The random part keeps a restarted process with a reused pid, or a second instance in one process, apart.
  const workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  return { limiter: new RateLimiter(), lease: new TenantSendLease(models, workerId), workerId };
}

/** The send-queue dependencies of one sender over the instance's shared limiter, lease and worker id. */
export function sendQueueDeps(
  deps: { models: Models; config: LanternConfig; logger: Logger; clock: () => Date; policyLinks: PolicyPageLinks },
  shared: SendShared,
  sender: ProactiveSender,
): SendQueueDeps {
  return {
    models: deps.models,
    config: deps.config,
    logger: deps.logger,
    clock: deps.clock,
    policyLinks: deps.policyLinks,
    limiter: shared.limiter,
    lease: shared.lease,
    workerId: shared.workerId,
    transport: async (reference, activity) => {
      await sender.send(reference, activity);
    },
  };
}
