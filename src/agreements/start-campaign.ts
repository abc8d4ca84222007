import type { Models } from '../stores.js';
import { JobRunner, type JobRun } from '../jobs/index.js';
import { createLogger } from '../log/logger.js';
import { issueCampaign, type IssueRequest } from './campaigns.js';

/** What starting a campaign did. */
export type StartResult = Awaited<ReturnType<typeof issueCampaign>> & {
  /** People who should get a card but have no chat with Lantern. */
  unreachable: number;
};

/**
 * Starts a campaign: issues it (idempotent by its key) and enqueues the job that sends its cards, which the
 * running server's job runner works. The one way a campaign starts — `lantern agreements issue`, the policy
 * owner's card in Teams and a material re-issue all come through here.
 */
export async function startCampaign(models: Models, request: IssueRequest, now: Date): Promise<StartResult> {
  const result = await issueCampaign(models, request, now);
  // Only enqueues: the handler here is never run (this runner is never started); the server's runner has the real one.
  const runner = new JobRunner({
    models,
    handlers: { 'agreements.send': async (_job: JobRun<{ schoolId: string; campaignId?: string }>) => undefined },
    clock: () => now,
    logger: createLogger({ level: 'silent' }),
    instanceId: `enqueue:${process.pid}`,
  });
  await runner.enqueue('agreements.send', { key: `${result.campaign._id}:issue`, schoolId: request.schoolId, data: { schoolId: request.schoolId, campaignId: result.campaign._id } });
  const unreachable = result.plan.recipients.filter((r) => r.via === 'card' && !r.reachable).length;
  return { ...result, unreachable };
}
