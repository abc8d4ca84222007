import type { LanternConfig } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import { applyChange } from './act.js';
import { rebuildBoard } from './board.js';
import type { CaseStores } from './store.js';
import type { Actor } from './timeline-model.js';

/** What the retention review needs. */
export interface RetentionDeps {
  stores: CaseStores;
  config: LanternConfig;
  clock: () => Date;
  logger: Logger;
}

/**
 * The scheduled retention review (no TTL indexes): every closed case whose retention date has passed and
 * that is not on legal hold is deleted with its timeline and access log. Its number stays allocated, with
 * a tombstone saying when and why, so the sequence shows no unexplained gap.
 */
export async function runRetentionReview(deps: RetentionDeps): Promise<{ deleted: number; held: number }> {
  const now = deps.clock();
  const due = await deps.stores.cases
    .find({ status: 'closed', retentionUntil: { $lte: now } })
    .select({ schoolId: 1, caseId: 1, number: 1, legalHold: 1, retentionBasis: 1 })
    .lean<{ schoolId: string; caseId: string; number: string; legalHold: boolean; retentionBasis: string | null }[]>();
  let deleted = 0;
  let held = 0;
  for (const c of due) {
    if (c.legalHold) {
      held += 1;
      continue;
    }
    await deps.stores.caseNumbers.updateOne({ caseId: c.caseId }, { $set: { deletedAt: now, deletedBasis: c.retentionBasis ?? 'retention period ended' } });
    await deps.stores.caseTimeline.deleteMany({ caseId: c.caseId });
    await deps.stores.caseAccessLog.deleteMany({ caseId: c.caseId });
    await deps.stores.breachNotices.deleteMany({ caseId: c.caseId });
    await deps.stores.cases.deleteOne({ schoolId: c.schoolId, caseId: c.caseId });
    deleted += 1;
  }
  if (deleted + held > 0) deps.logger.info({ deleted, held }, 'case retention review');
  // The open-case board is derived data: tidy rows a crash left behind (see board.ts).
  for (const school of deps.config.schools) {
    const tidied = await rebuildBoard(deps.stores, school.id);
    if (tidied.added + tidied.removed > 0) deps.logger.warn({ schoolId: school.id, ...tidied }, 'open-case board was out of step with the cases and has been rebuilt');
  }
  return { deleted, held };
}

/** Puts a case on legal hold (or lifts it), as a timeline entry with the reason. */
export async function setLegalHold(stores: CaseStores, schoolId: string, caseId: string, actor: Actor, hold: boolean, reason: string, clock: () => Date) {
  return applyChange(
    stores,
    schoolId,
    caseId,
    actor,
    (state) => {
      if (state.legalHold === hold) return { ok: false, reason: hold ? 'The case is already on legal hold.' : 'The case is not on legal hold.' };
      if (!reason.trim()) return { ok: false, reason: 'Give a reason for the change of legal hold.' };
      return { ok: true, action: 'legal-hold', after: { legalHold: hold }, note: reason.trim().slice(0, 1000) };
    },
    clock,
  );
}
