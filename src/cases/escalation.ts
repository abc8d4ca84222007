import type { LanternConfig } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import { applyChange } from './act.js';
import type { EscalateJobData } from './escalation-queue.js';
import type { CaseNotifier } from './ports.js';
import type { CaseStores } from './store.js';
import { LANTERN_ACTOR } from './timeline-model.js';

/** What the escalation job needs. */
export interface EscalationDeps {
  config: LanternConfig;
  stores: CaseStores;
  notifier: CaseNotifier;
  logger: Logger;
  clock: () => Date;
}

/**
 * The escalation job of one case. The decision is a timeline entry (unique insert), so however many runs
 * race or repeat after a restart, the case is escalated once; the deputy is told by the run that finds the
 * escalation recorded but not yet notified (`deputyNotifiedAt`), so a crash between the two is finished
 * by the retry rather than dropped.
 */
export async function runEscalation(data: EscalateJobData, deps: EscalationDeps): Promise<Record<string, unknown>> {
  const school = deps.config.schools.find((s) => s.id === data.schoolId);
  if (!school) return { skipped: 'school no longer configured' };
  const result = await applyChange(
    deps.stores,
    school.id,
    data.caseId,
    LANTERN_ACTOR,
    (state) => {
      if (state.status !== 'new') return { ok: false, reason: 'acknowledged in time' };
      if (state.escalatedToDeputyAt) return { ok: false, reason: 'already escalated' };
      return { ok: true, action: 'escalated-to-deputy', after: { escalatedToDeputyAt: deps.clock() }, note: null };
    },
    deps.clock,
  );
  if (!result.ok && result.reason !== 'already escalated') return { skipped: result.reason };
  const doc = await deps.stores.cases.findOne({ schoolId: school.id, caseId: data.caseId }).lean();
  if (doc?.deputyNotifiedAt) return { skipped: 'deputy already told' };
  const told = await deps.notifier.tellDeputy(school, data.caseId);
  await deps.stores.cases.updateOne({ schoolId: school.id, caseId: data.caseId }, { $set: { deputyNotifiedAt: deps.clock() } });
  deps.logger.info({ schoolId: school.id, number: doc?.number, ...told }, 'case escalated to the deputy DSL');
  return { escalated: true, ...told };
}
