import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { LanternConfig } from '../../config/load.js';
import type { Models } from '../../stores.js';
import type { Logger } from '../../log/logger.js';
import { RateLimiter } from './rate-limit.js';
import { TenantSendLease } from './lease.js';
import type { SendQueueDeps } from './queue.js';
import type { ProactiveSender } from './proactive.js';

/** One limiter per process: Teams' per-tenant limit covers every campaign and install this instance sends. */
const limiter = new RateLimiter();
/** Names this process in claims and leases; the random part keeps a restarted process with a reused pid apart. */
const workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
/** One lease holder per process and database, shared by the send job, the tick and the install path. */
const leases = new WeakMap<Models, TenantSendLease>();

/** The send-queue dependencies every sender in this process shares (limiter, lease, worker id). */
export function processSendDeps(deps: { models: Models; config: LanternConfig; logger: Logger; clock: () => Date }, sender: ProactiveSender): SendQueueDeps {
  let lease = leases.get(deps.models);
  if (!lease) leases.set(deps.models, (lease = new TenantSendLease(deps.models, workerId)));
  return {
    models: deps.models,
    config: deps.config,
    logger: deps.logger,
    clock: deps.clock,
    limiter,
    lease,
    workerId,
    transport: async (reference, activity) => {
      await sender.send(reference, activity);
    },
  };
}
