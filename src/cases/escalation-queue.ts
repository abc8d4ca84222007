import type { Logger } from '../log/logger.js';
import { JobRunner, type JobStores } from '../jobs/index.js';
import type { Severity } from './case-model.js';

/** The job that walks an unacknowledged high/critical case up the escalation ladder (deputy DSL first). */
export const ESCALATE_JOB = 'cases.escalate';

/** What the escalation job is given: the case, the rung of the ladder to tell and the attempt at it. */
export interface EscalateJobData {
  schoolId: string;
  caseId: string;
  /** 0 is the deputy DSL; absent means 0. */
  rung?: number;
  /** Tries at this rung so far; absent means 0. */
  attempt?: number;
}

/**
 * Enqueues one step of the ladder. Card handlers and jobs have no runner of their own that may enqueue, so
 * this uses one that only enqueues (into the same jobs collection, idempotent by key); the server's runner
 * executes it. The first step keeps the key it always had, so a case is never put on the ladder twice.
 */
export async function enqueueEscalationStep(stores: JobStores, step: Required<EscalateJobData> & { runAt: Date }, logger: Logger): Promise<void> {
  const runner = new JobRunner({
    models: stores,
    handlers: { [ESCALATE_JOB]: async () => undefined },
    clock: () => new Date(),
    logger,
    instanceId: 'cases-enqueue',
  });
  const first = step.rung === 0 && step.attempt === 0;
  await runner.enqueue(ESCALATE_JOB, {
    key: first ? `${step.schoolId}:${step.caseId}` : `${step.schoolId}:${step.caseId}:${step.rung}:${step.attempt}`,
    schoolId: step.schoolId,
    data: { schoolId: step.schoolId, caseId: step.caseId, rung: step.rung, attempt: step.attempt } satisfies EscalateJobData,
    runAt: step.runAt,
  });
}

/** Enqueues the escalation check of a new high or critical case, to run `afterMinutes` after opening. */
export async function scheduleEscalation(
  stores: JobStores,
  input: { schoolId: string; caseId: string; severity: Severity; openedAt: Date; afterMinutes: number },
  logger: Logger,
): Promise<boolean> {
  if (input.severity !== 'high' && input.severity !== 'critical') return false;
  await enqueueEscalationStep(stores, { schoolId: input.schoolId, caseId: input.caseId, rung: 0, attempt: 0, runAt: new Date(input.openedAt.getTime() + input.afterMinutes * 60_000) }, logger);
  return true;
}
