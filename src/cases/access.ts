import type { CaseStores } from './store.js';
import { retryBusy } from '../db/errors.js';

/** The kinds of access the log records. */
export type AccessKind = 'view' | 'act' | 'export' | 'refused';

/** Writes one line of the case access log: every view, action, export and refused attempt. */
export async function logAccess(
  stores: Pick<CaseStores, 'caseAccessLog' | 'caseBatches'>,
  entry: { schoolId: string | null; caseId: string | null; who: string; kind: AccessKind; what: string; at: Date },
): Promise<void> {
  const line = { ...entry, what: entry.what.slice(0, 200) };
  // Grouped with the lines of clicks arriving together; either way this resolves only once the line is stored.
  if (stores.caseBatches) await stores.caseBatches.logAccess(stores, line);
  else await retryBusy(() => stores.caseAccessLog.create(line));
}
