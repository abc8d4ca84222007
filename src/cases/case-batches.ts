import { mongo, Types } from 'mongoose';
import type { Models } from '../stores.js';
import { isDuplicateKey, isOnlyDuplicateKeys, retryBusy } from '../db/errors.js';
import { GroupCommit } from '../db/group-commit.js';
import { GroupRead } from '../db/group-read.js';
import { writeBoardRows, type CaseListing } from './board.js';
import type { StoredCase } from './store.js';
import type { TimelineEntry } from './timeline-model.js';


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
 * Hands each caller its own copy when one key was asked for twice in a batch (a caller may change what it read);
 * the copy goes through BSON, so ids and dates stay what the driver gives.
 */
function handOut<K, V>(keys: readonly K[], valueOf: (key: K) => V): V[] {
  const given = new Set<K>();
  return keys.map((key) => {
    const value = valueOf(key);
    if (!given.has(key)) {
      given.add(key);
      return value;
    }
    return value === null ? value : (mongo.BSON.deserialize(mongo.BSON.serialize({ v: value })) as { v: V }).v;
  });
}

/**
 * This connection's case reads and writes, grouped across the clicks that arrive together: case documents and
 * timelines (one find each for every click waiting; a read still starts after its click asked, so it sees every
 * write before), timeline entries (one ordered insert; the unique {caseId, seq} still decides each entry, so a
 * click that lost its place reloads and decides again, as alone), access-log lines (one insert), case-cache
 * updates (one update command of many statements) and board rows. One per connection (built with the models).
 */
export class CaseBatches {
  private readonly lines = new GroupCommit<Item<Pick<Models, 'caseAccessLog'>, AccessLine>>(async (items) => {
    // Ids chosen once, so a retried insert skips the lines an earlier try stored instead of writing them twice.
    const lines = items.map((i) => ({ _id: new Types.ObjectId(), ...i.value }));
    try {
      await retryBusy(() => storesOf(items).caseAccessLog.insertMany(lines, { ordered: false, throwOnValidationError: true }));
    } catch (err) {
      if (!isOnlyDuplicateKeys(err)) throw err;
    }
  });

  private readonly caches = new GroupCommit<Item<Pick<Models, 'cases'>, CacheUpdate>>(async (items) => {
    const ops = items.map(({ value: u }) => ({ updateOne: { filter: { schoolId: u.schoolId, caseId: u.caseId, version: { $lt: u.version } }, update: { $set: { ...u.set, version: u.version } } } }));
    await retryBusy(() => storesOf(items).cases.bulkWrite(ops, { ordered: false, throwOnValidationError: true }));
  });

  private readonly rows = new GroupCommit<Item<Pick<Models, 'caseBoard'>, CaseListing>>((items) => writeBoardRows(storesOf(items), items.map((i) => i.value)));

  private readonly docs = new GroupRead<Item<Pick<Models, 'cases'>, { schoolId: string; caseId: string }>, StoredCase | null>(async (items) => {
    const found = await storesOf(items).cases.find({ caseId: { $in: [...new Set(items.map((i) => i.value.caseId))] } }).lean<StoredCase[]>();
    const byId = new Map(found.map((d) => [d.caseId, d]));
    // A case id of another school is "not found", as a read filtered by school says.
    const keyOf = (v: { schoolId: string; caseId: string }) => `${v.schoolId}|${v.caseId}`;
    const wanted = new Map(items.map(({ value }) => [keyOf(value), value]));
    return handOut(items.map(({ value }) => keyOf(value)), (key) => {
      const v = wanted.get(key);
      const doc = v ? byId.get(v.caseId) : undefined;
      return doc && doc.schoolId === v?.schoolId ? doc : null;
    });
  });

  private readonly timelines = new GroupRead<Item<Pick<Models, 'caseTimeline'>, string>, TimelineEntry[]>(async (items) => {
    const entries = await storesOf(items).caseTimeline.find({ caseId: { $in: [...new Set(items.map((i) => i.value))] } }).sort({ caseId: 1, seq: 1 }).lean<TimelineEntry[]>();
    const byCase = new Map<string, TimelineEntry[]>();
    for (const e of entries) byCase.set(e.caseId, [...(byCase.get(e.caseId) ?? []), e]);
    return handOut(items.map(({ value }) => value), (caseId) => byCase.get(caseId) ?? []);
  });

  private readonly entries = new GroupRead<Item<Pick<Models, 'caseTimeline'>, TimelineEntry>, 'stored' | 'taken'>((items) => insertEntries(storesOf(items), items.map((i) => i.value)));

  /**
   * Appends a timeline entry with the others of clicks arriving together (one insert): `taken` when another
   * writer's entry holds its {caseId, seq} (the caller reloads and decides again), `stored` when it is in.
   */
  appendEntry(stores: Pick<Models, 'caseTimeline'>, entry: TimelineEntry): Promise<'stored' | 'taken'> {
    return this.entries.get({ stores, value: entry });
  }

  /** A school's case document (null when the school has no such case), read with the others asked for meanwhile. */
  findCase(stores: Pick<Models, 'cases'>, schoolId: string, caseId: string): Promise<StoredCase | null> {
    return this.docs.get({ stores, value: { schoolId, caseId } });
  }

  /** A case's timeline in order, read with the others asked for meanwhile. */
  loadTimeline(stores: Pick<Models, 'caseTimeline'>, caseId: string): Promise<TimelineEntry[]> {
    return this.timelines.get({ stores, value: caseId });
  }

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

/**
 * Inserts entries in order; an insert stops at the first {caseId, seq} already taken. Each stop is looked at
 * once: the entry there is this one (a try before a busy answer stored it) or another writer's, and the insert
 * goes on with the entries after it. So each entry is stored once or reported taken, as a lone insert would be.
 */
async function insertEntries(stores: Pick<Models, 'caseTimeline'>, entries: readonly TimelineEntry[]): Promise<('stored' | 'taken')[]> {
  const out: ('stored' | 'taken')[] = [];
  let from = 0;
  while (from < entries.length) {
    const rest = entries.slice(from);
    let inserted = rest.length;
    try {
      await retryBusy(() => stores.caseTimeline.insertMany(rest, { ordered: true }));
    } catch (err) {
      // The driver reports an ordered insert's first failure with the position it stopped at.
      const errors = (err as { writeErrors?: unknown }).writeErrors;
      const first = (Array.isArray(errors) ? errors[0] : errors) as { index?: number; code?: number } | undefined;
      if (!isDuplicateKey(first) && !isDuplicateKey(err)) throw err;
      inserted = first?.index ?? 0;
    }
    for (let i = 0; i < inserted; i++) out.push('stored');
    from += inserted;
    if (from >= entries.length) break;
    const stopped = entries[from] as TimelineEntry;
    const there = await stores.caseTimeline.findOne({ caseId: stopped.caseId, seq: stopped.seq }, { hash: 1 }).lean<{ hash: string }>();
    out.push(there?.hash === stopped.hash ? 'stored' : 'taken');
    from += 1;
  }
  return out;
}
