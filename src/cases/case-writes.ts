import { Types } from 'mongoose';
import type { Models } from '../stores.js';
import { isOnlyDuplicateKeys, retryBusy } from '../db/errors.js';
import { GroupCommit } from '../db/group-commit.js';
import { writeBoardRows, type CaseListing } from './board.js';


/** One line of the case access log, as stored. */
export interface AccessLine {
  schoolId: string | null;
  caseId: string | null;
  who: string;
  kind: 'view' | 'act' | 'export' | 'refused';
  what: string;
  at: Date;
}

/** A case document's cached state moving to `version` (only if it is behind: an older writer never wins). */
export interface CacheUpdate {
  schoolId: string;
  caseId: string;
  version: number;
  set: Record<string, unknown>;
}

interface Item<S, T> {
  stores: S;
  value: T;
}

// Every item of one instance comes with the same connection's models; the batch writes through the first's.
const storesOf = <S, T>(items: Item<S, T>[]): S => (items[0] as Item<S, T>).stores;

/**
 * This connection's case writes that do not decide anything, grouped across the clicks that arrive together
 * (GroupCommit): access-log lines (one insert), case-cache updates (one update command of many statements) and
 * board rows. The timeline insert, which decides between writers, is never grouped. One per connection (built
 * with the models).
 */
export class CaseWrites {
  private readonly lines = new GroupCommit<Item<Pick<Models, 'caseAccessLog'>, AccessLine>>(async (items) => {
    // Ids chosen once, so a retried insert skips the lines an earlier try stored instead of writing them twice.
    const lines = items.map((i) => ({ _id: new Types.ObjectId(), ...i.value }));
    try {
      await retryBusy(() => storesOf(items).caseAccessLog.insertMany(lines, { ordered: false }));
    } catch (err) {
      if (!isOnlyDuplicateKeys(err)) throw err;
    }
  });

  private readonly caches = new GroupCommit<Item<Pick<Models, 'cases'>, CacheUpdate>>(async (items) => {
    const ops = items.map(({ value: u }) => ({ updateOne: { filter: { schoolId: u.schoolId, caseId: u.caseId, version: { $lt: u.version } }, update: { $set: { ...u.set, version: u.version } } } }));
    await retryBusy(() => storesOf(items).cases.bulkWrite(ops, { ordered: false }));
  });

  private readonly rows = new GroupCommit<Item<Pick<Models, 'caseBoard'>, CaseListing>>((items) => writeBoardRows(storesOf(items), items.map((i) => i.value)));

  /** Writes one access-log line; resolves once it is stored. */
  logAccess(stores: Pick<Models, 'caseAccessLog'>, line: AccessLine): Promise<void> {
    return this.lines.add({ stores, value: line });
  }

  /** Moves a case document's cached state forward; resolves once written. */
  updateCache(stores: Pick<Models, 'cases'>, update: CacheUpdate): Promise<void> {
    return this.caches.add({ stores, value: update });
  }

  /** Posts a case's listing to the board (see postToBoard); resolves once written. */
  postToBoard(stores: Pick<Models, 'caseBoard'>, listing: CaseListing): Promise<void> {
    return this.rows.add({ stores, value: listing });
  }
}
