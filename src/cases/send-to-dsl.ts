import type { School } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import { isDuplicateKey, retryBusy } from '../db/errors.js';
import { scheduleEscalation } from './escalation-queue.js';
import { loadItMatter } from './it-matters.js';
import { openCase } from './open.js';
import type { CaseNotifier } from './ports.js';
import { caseSettings } from './settings.js';
import type { Category, Severity } from './case-model.js';
import type { LinkedDetection } from './state.js';
import type { CaseStores } from './store.js';
import type { Actor } from './timeline-model.js';

/** What sending an IT matter to the DSL needs. */
export interface SendToDslDeps {
  stores: CaseStores;
  notifier: CaseNotifier;
  log: Logger;
  clock: () => Date;
}

/** How "this involves a child — send to the DSL" ended. */
export type SendToDslResult =
  | { ok: true; caseId: string; number: string; already: boolean }
  | { ok: false; reason: string };

/**
 * Sends an IT matter to the DSL: opens a case from it (its detections, severity and summary, saying who sent
 * it), links the two records, shows the case card in the DSL channel and refreshes the IT card. Once only:
 * a unique insert into case_intake decides, so two people pressing the button at once open one case.
 */
export async function sendItMatterToDsl(deps: SendToDslDeps, school: School, matterId: string, by: Actor): Promise<SendToDslResult> {
  const matter = await loadItMatter(deps.stores, school.id, matterId);
  if (!matter) return { ok: false, reason: 'Lantern cannot find this IT matter for your school.' };
  if (matter.sentToDsl?.caseId && matter.sentToDsl.number) return { ok: true, caseId: matter.sentToDsl.caseId, number: matter.sentToDsl.number, already: true };
  const now = deps.clock();
  const fenceId = `${school.id}:it-send:${matterId}`;
  try {
    await deps.stores.caseIntake.create({ _id: fenceId, schoolId: school.id, at: now, itMatterId: matterId });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const fence = await deps.stores.caseIntake.findById(fenceId).lean<{ caseId: string | null; outcome: string | null }>();
    if (fence?.caseId && fence.outcome) return { ok: true, caseId: fence.caseId, number: fence.outcome, already: true };
    return { ok: false, reason: 'Someone is sending this to the DSL right now; refresh in a moment.' };
  }
  const opened = await openCase(deps.stores, school, {
    source: 'detection',
    severity: matter.severity as Severity,
    category: matter.category as Category,
    summary: `Sent from the IT queue (${matter.number}) by ${by.name} as involving a child: ${matter.summary}`,
    by,
    detections: matter.detections as LinkedDetection[],
    objectKeys: matter.objectKeys,
    itMatter: matter.number,
  }, now);
  await deps.stores.caseIntake.updateOne({ _id: fenceId }, { $set: { caseId: opened.caseId, outcome: opened.number } });
  await retryBusy(() => deps.stores.itMatters.updateOne(
    { schoolId: school.id, matterId },
    { $set: { status: 'sent-to-dsl', sentToDsl: { caseId: opened.caseId, number: opened.number, by: { email: by.email, name: by.name }, at: now } } },
  ));
  await scheduleEscalation(deps.stores, { schoolId: school.id, caseId: opened.caseId, severity: opened.state.severity, openedAt: now, afterMinutes: caseSettings(school).escalateAfterMinutes }, deps.log);
  await deps.notifier.publish(school, opened.caseId).catch(() => 'queued');
  await deps.notifier.publishItMatter(school, matterId).catch(() => 'queued');
  deps.log.info({ schoolId: school.id, matter: matter.number, number: opened.number }, 'IT matter sent to the DSL');
  return { ok: true, caseId: opened.caseId, number: opened.number, already: false };
}
