import { readBoard, type BoardFilter, type CaseListing } from './board.js';
import type { CaseStatus } from './case-model.js';
import type { CaseStores } from './store.js';

/** Every status but closed. */
export const OPEN_STATUSES: CaseStatus[] = ['new', 'acknowledged', 'investigating', 'escalated'];

/** The newest open cases of a school, read from the open-case board (see board.ts for why). */
export async function listOpenCases(stores: Pick<CaseStores, 'caseBoard'>, schoolId: string, limit = 50, filter: BoardFilter = {}, offset = 0): Promise<CaseListing[]> {
  return (await readBoard(stores, schoolId, filter, { limit, offset })).cases;
}

/**
 * The same list asked of the case documents themselves ({schoolId, status, openedAt} index): what MongoDB
 * answers from its index, and what FerretDB answers by scanning every case. The bench's baseline.
 */
export async function listOpenCasesFromCases(stores: Pick<CaseStores, 'cases'>, schoolId: string, limit = 50): Promise<Array<{ caseId: string; number: string; openedAt: Date; status: CaseStatus }>> {
  return stores.cases
    .find({ schoolId, status: { $in: OPEN_STATUSES } }, { caseId: 1, number: 1, openedAt: 1, status: 1 })
    .sort({ openedAt: -1 })
    .limit(limit)
    .lean<Array<{ caseId: string; number: string; openedAt: Date; status: CaseStatus }>>();
}
