import type { Logger } from '../log/logger.js';
import { JobRunner, type JobStores } from '../jobs/index.js';
import type { Severity } from './case-model.js';

/** The job that escalates an unacknowledged high/critical case to the deputy DSL. */
export const ESCALATE_JOB = 'cases.escalate';

/** What the escalation job is given. */
export interface EscalateJobData {
  schoolId: string;
  caseId: string;
}

/**
 * Enqueues the escalation check of a new high or critical case, to run `afterMinutes` after opening. Card
 * handlers have no runner of their own, so this uses one that only enqueues (into the same jobs
 * collection, idempotent by key); the server's runner executes it.
 */
export async function scheduleEscalation(
  stores: JobStores,
  input: { schoolId: string; caseId: string; severity: Severity; openedAt: Date; afterMinutes: number },
  logger: Logger,
): Promise<boolean> {
  if (input.severity !== 'high' && input.severity !== 'critical') return false;
  const runner = new JobRunner({
    models: stores,
    handlers: { [ESCALATE_JOB]: async () => undefined },
    clock: () => new Date(),
    logger,
    instanceId: 'cases-enqueue',
  });
  await runner.enqueue(ESCALATE_JOB, {
    key: `${input.schoolId}:${input.caseId}`,
    schoolId: input.schoolId,
    data: { schoolId: input.schoolId, caseId: input.caseId } satisfies EscalateJobData,
    runAt: new Date(input.openedAt.getTime() + input.afterMinutes * 60_000),
  });
  return true;
}
