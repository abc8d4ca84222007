import { Schema } from 'mongoose';
import type { Models } from '../stores.js';
import type { CaseStatus } from './case-model.js';
import type { CaseState } from './state.js';
import { isDuplicateKey, isOnlyDuplicateKeys, retryBusy } from '../db/errors.js';

/**
 * The open-case board: one small row per (case, timeline version) for cases that are not closed, so the
 * DSL's list of open cases reads a collection the size of the open work, not of the school's whole history.
 *
 * Why a separate collection: FerretDB (the embedded and test database) uses no secondary index on either of
 * its backends — `explain` shows a full scan for every filter — so a query on `cases` costs the whole
 * history (100,000 cases: seconds). On MongoDB the {schoolId, status, openedAt} index answers the same query;
 * the board keeps both fast.
 *
 * Why rows per version: updates are not atomic on FerretDB, so a row that writers overwrite could end up
 * holding an older writer's state. Instead each writer inserts the row for the version it appended
 * (`_id` `${caseId}:${seq}`, a unique insert), then deletes the case's rows of older versions (a delete is
 * atomic per row). A change the list does not show (a note) writes no row: the case's newest row already
 * says the same, so the next writer's delete of every older row still leaves exactly one. Readers keep the
 * highest version per case and drop closed ones, so a row left behind by a crash is harmless; `rebuildBoard`
 * tidies it.
 */
export const boardSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    caseId: { type: String, required: true },
    version: { type: Number, required: true },
    number: { type: String, required: true },
    openedAt: { type: Date, required: true },
    status: { type: String, required: true },
    severity: { type: String, required: true },
    category: { type: String, required: true },
    source: { type: String, required: true },
    summary: { type: String, required: true },
    assignee: { type: Schema.Types.Mixed, default: null },
    doNotView: { type: Boolean, default: false },
    dpoDeadline: { type: Date, default: null },
    acknowledgedAt: { type: Date, default: null },
  },
  { versionKey: false, minimize: false },
);
boardSchema.index({ schoolId: 1, openedAt: -1 });
boardSchema.index({ caseId: 1, version: 1 });

/** One case as the open-case list shows it (metadata only: the list never shows notes or timeline). */
export interface CaseListing {
  caseId: string;
  schoolId: string;
  version: number;
  number: string;
  openedAt: Date;
  status: CaseStatus;
  severity: CaseState['severity'];
  category: CaseState['category'];
  source: CaseState['source'];
  summary: string;
  assignee: CaseState['assignee'];
  doNotView: boolean;
  dpoDeadline: Date | null;
  acknowledgedAt: Date | null;
}

/** The collection the board lives in (registered in db/models.ts), and the connection's grouped writes when given. */
export type BoardStores = Pick<Models, 'caseBoard'> & Partial<Pick<Models, 'caseBatches'>>;

const rowId = (caseId: string, version: number): string => `${caseId}:${String(version).padStart(6, '0')}`;

/** The board row for a case at `version`. */
export function listingOf(head: { caseId: string; schoolId: string; number: string; openedAt: Date }, state: CaseState, version: number): CaseListing {
  return {
    caseId: head.caseId,
    schoolId: head.schoolId,
    version,
    number: head.number,
    openedAt: head.openedAt,
    status: state.status,
    severity: state.severity,
    category: state.category,
    source: state.source,
    summary: state.summary,
    assignee: state.assignee ?? null,
    doNotView: state.doNotView ?? false,
    dpoDeadline: state.dpoDeadline ?? null,
    acknowledgedAt: state.acknowledgedAt ?? null,
  };
}

/** True when the board would show the two listings alike (their versions aside): such a change writes no row. */
export function sameListing(a: CaseListing, b: CaseListing): boolean {
  return JSON.stringify({ ...a, version: 0 }) === JSON.stringify({ ...b, version: 0 });
}

/**
 * Records a case's state at `version` on the board: inserts this version's row (unless closed), then
 * removes the case's rows of older versions. A second writer of the same version is a no-op. With the
 * connection's grouped writes, rows of clicks arriving together go in one insert and one delete.
 */
export async function postToBoard(stores: BoardStores, listing: CaseListing): Promise<void> {
  await (stores.caseBatches ? stores.caseBatches.postToBoard(stores, listing) : writeBoardRows(stores, [listing]));
}

/** Writes several cases' board rows: one insert of the open ones, one delete of every older row of each case. */
export async function writeBoardRows(stores: Pick<Models, 'caseBoard'>, listings: readonly CaseListing[]): Promise<void> {
  const rows = listings.filter((l) => l.status !== 'closed').map((l) => ({ _id: rowId(l.caseId, l.version), ...l }));
  if (rows.length > 0) {
    try {
      await retryBusy(() => stores.caseBoard.insertMany(rows, { ordered: false, throwOnValidationError: true }));
    } catch (err) {
      if (!isOnlyDuplicateKeys(err)) throw err;
    }
  }
  const older = listings.filter((l) => l.version > 1).map((l) => ({ deleteMany: { filter: { caseId: l.caseId, version: { $lt: l.version } } } }));
  if (older.length > 0) await retryBusy(() => stores.caseBoard.bulkWrite(older, { ordered: false, throwOnValidationError: true }));
}

/** Keeps each case's newest row, drops closed cases, newest opened first. */
export function currentListings(rows: readonly CaseListing[]): CaseListing[] {
  const newest = new Map<string, CaseListing>();
  for (const row of rows) {
    const seen = newest.get(row.caseId);
    if (!seen || row.version > seen.version) newest.set(row.caseId, row);
  }
  return [...newest.values()].filter((r) => r.status !== 'closed').sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime() || b.number.localeCompare(a.number));
}

/** Filters the open-case list understands (absent or empty: any). */
export interface BoardFilter {
  status?: CaseStatus | '';
  severity?: CaseState['severity'] | '';
  category?: CaseState['category'] | '';
}

/** A school's open cases, newest first, optionally filtered, `offset`/`limit` for paging; `total` counts all matches. */
export async function readBoard(stores: BoardStores, schoolId: string, filter: BoardFilter = {}, page: { offset?: number; limit?: number } = {}): Promise<{ total: number; cases: CaseListing[] }> {
  const rows = await stores.caseBoard.find({ schoolId }, { _id: 0 }).lean<CaseListing[]>();
  const matching = currentListings(rows).filter(
    (r) => (!filter.status || r.status === filter.status) && (!filter.severity || r.severity === filter.severity) && (!filter.category || r.category === filter.category),
  );
  const offset = Math.max(0, page.offset ?? 0);
  return { total: matching.length, cases: matching.slice(offset, offset + Math.max(0, page.limit ?? 50)) };
}

/**
 * Rebuilds a school's board from the case documents (after a crash between a timeline entry and its board
 * row, or when upgrading): writes the missing rows and removes stale ones. Returns what it changed.
 */
export async function rebuildBoard(
  stores: Pick<Models, 'caseBoard' | 'cases'>,
  schoolId: string,
): Promise<{ added: number; removed: number }> {
  const open = await stores.cases
    .find({ schoolId, status: { $ne: 'closed' } })
    .lean<Array<CaseState & { caseId: string; schoolId: string; number: string; openedAt: Date; version: number }>>();
  const rows = await stores.caseBoard.find({ schoolId }, { _id: 1, caseId: 1, version: 1 }).lean<Array<{ _id: string; caseId: string; version: number }>>();
  const want = new Map(open.map((c) => [c.caseId, c.version]));
  // Cases on the board that the case documents say are closed (or gone): their cached version decides.
  const others = [...new Set(rows.map((r) => r.caseId).filter((id) => !want.has(id)))];
  const closed = others.length
    ? await stores.cases.find({ schoolId, caseId: { $in: others } }, { caseId: 1, version: 1 }).lean<Array<{ caseId: string; version: number }>>()
    : [];
  const closedAt = new Map(closed.map((c) => [c.caseId, c.version]));
  // Keep one row per case: the newest of the board's rows, unless the case document is newer still (a row
  // newer than the document wins: the document's write may be the one that was lost).
  const keep = new Map<string, number>();
  for (const row of rows) keep.set(row.caseId, Math.max(row.version, keep.get(row.caseId) ?? 0));
  let added = 0;
  let removed = 0;
  for (const row of rows) {
    const openVersion = want.get(row.caseId);
    const stale =
      row.version < (keep.get(row.caseId) ?? 0) ||
      (openVersion !== undefined && row.version < openVersion) ||
      (openVersion === undefined && row.version <= (closedAt.get(row.caseId) ?? Infinity));
    if (stale) {
      await retryBusy(() => stores.caseBoard.deleteOne({ _id: row._id }));
      removed++;
    }
  }
  const have = new Set(rows.map((r) => `${r.caseId}:${r.version}`));
  for (const c of open) {
    if (have.has(`${c.caseId}:${c.version}`) || (keep.get(c.caseId) ?? 0) > c.version) continue;
    try {
      await retryBusy(() => stores.caseBoard.create({ _id: rowId(c.caseId, c.version), ...listingOf(c, c, c.version) }));
      added++;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  return { added, removed };
}
