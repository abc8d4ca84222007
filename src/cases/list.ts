import type { CaseStatus } from './case-model.js';
import type { CaseStores, StoredCase } from './store.js';

/** Every status but closed. */
export const OPEN_STATUSES: CaseStatus[] = ['new', 'acknowledged', 'investigating', 'escalated'];

/** The newest open cases of a school (index {schoolId, status, openedAt}); for dashboards and the bench. */
export async function listOpenCases(stores: Pick<CaseStores, 'cases'>, schoolId: string, limit = 50): Promise<StoredCase[]> {
  return stores.cases.find({ schoolId, status: { $in: OPEN_STATUSES } }).sort({ openedAt: -1 }).limit(limit).lean<StoredCase[]>();
}

/** The same list read by a full collection scan (no index): the bench's baseline. */
export async function listOpenCasesByScan(stores: Pick<CaseStores, 'cases'>, schoolId: string, limit = 50): Promise<StoredCase[]> {
  return stores.cases.find({ schoolId, status: { $in: OPEN_STATUSES } }).hint({ $natural: 1 }).sort({ openedAt: -1 }).limit(limit).lean<StoredCase[]>();
}
