import type { Models } from '../stores.js';
import { listingOf, postToBoard, sameListing } from './board.js';
import type { CaseDoc } from './case-model.js';
import { hashEntry } from './chain.js';
import { redactEntry } from './do-not-view.js';
import { foldTimeline, pickState, STATE_FIELDS, type CaseState } from './state.js';
import type { Actor, RedactedEntry, TimelineAction, TimelineEntry } from './timeline-model.js';
import { isDuplicateKey, retryBusy } from '../db/errors.js';
import { sealFields } from '../integrity/seal.js';

/** The collections the case capability uses, and the connection's grouped writes when given. */
export type CaseStores = Pick<Models, 'integrity' | 'cases' | 'caseNumbers' | 'caseTimeline' | 'caseAccessLog' | 'people' | 'jobs' | 'jobFences' | 'conversationRefs' | 'caseIntake' | 'caseBoard' | 'itMatters' | 'monitoringChanges' | 'breachNotices'> &
  Partial<Pick<Models, 'caseBatches'>>;

/** A stored case document (the cache) with its ids. */
export type StoredCase = CaseDoc & { _id: unknown };

/** Another writer appended the same seq first: reload and decide again. */
export class TimelineConflict extends Error {
  constructor(readonly caseId: string, readonly seq: number) {
    super(`Case ${caseId}: timeline entry ${seq} was written by someone else first.`);
    this.name = 'TimelineConflict';
  }
}

/** A case's timeline in order (read with other clicks' when the connection's batches are given). */
export async function loadTimeline(stores: Pick<CaseStores, 'caseTimeline' | 'caseBatches'>, caseId: string): Promise<TimelineEntry[]> {
  if (stores.caseBatches) return stores.caseBatches.loadTimeline(stores, caseId);
  return stores.caseTimeline.find({ caseId }).sort({ seq: 1 }).lean<TimelineEntry[]>();
}

/** A school's case document, or null (read with other clicks' when the connection's batches are given). */
export async function findCase(stores: Pick<CaseStores, 'cases' | 'caseBatches'>, schoolId: string, caseId: string): Promise<StoredCase | null> {
  if (stores.caseBatches) return stores.caseBatches.findCase(stores, schoolId, caseId);
  return stores.cases.findOne({ schoolId, caseId }).lean<StoredCase>();
}

/** What to append: the head it builds on and the change. */
export interface AppendInput {
  caseId: string;
  schoolId: string;
  /** The last entry the writer read (undefined for the opening entry). */
  head: Pick<TimelineEntry, 'seq' | 'hash'> | undefined;
  at: Date;
  by: Actor;
  action: TimelineAction;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  note: string | null;
  /** The case is "do not view" (or becomes so by this entry): links, file names and item ids are removed first. */
  doNotView: boolean;
  /** A `redacted` entry's list of the earlier entries it made safe. */
  redacts?: RedactedEntry[];
}

/**
 * Appends one entry as seq = head + 1. The unique {caseId, seq} index makes this the case's only
 * concurrency control: of two writers building on the same head, exactly one insert succeeds and the other
 * gets a TimelineConflict.
 */
export async function appendEntry(stores: Pick<CaseStores, 'caseTimeline' | 'integrity' | 'caseBatches'>, change: AppendInput): Promise<TimelineEntry> {
  // The one place case text is written: a "do not view" case never stores a way to reach the item (UKCIS).
  const input = change.doNotView || change.after.doNotView === true ? redactEntry(change) : change;
  const seq = (input.head?.seq ?? 0) + 1;
  // A JSON round trip turns class instances into plain data, so what is hashed is what is stored.
  const before = JSON.parse(JSON.stringify(input.before)) as Record<string, unknown>;
  const after = JSON.parse(JSON.stringify(input.after)) as Record<string, unknown>;
  const fields = { caseId: input.caseId, schoolId: input.schoolId, seq, at: input.at, by: { email: input.by.email, name: input.by.name }, action: input.action, before, after, note: input.note, ...(input.redacts ? { redacts: input.redacts } : {}), prevHash: input.head?.hash ?? '' };
  const hash = hashEntry(fields);
  const entry: TimelineEntry = { ...fields, hash, ...sealFields(stores.integrity, 'cases', hash) };
  // With the connection's batches, entries of clicks arriving together share one insert; the unique index still decides each.
  if (stores.caseBatches) {
    if ((await stores.caseBatches.appendEntry(stores, entry)) === 'taken') throw new TimelineConflict(input.caseId, seq);
    return entry;
  }
  try {
    await retryBusy(() => stores.caseTimeline.create(entry));
  } catch (err) {
    if (isDuplicateKey(err)) throw new TimelineConflict(input.caseId, seq);
    throw err;
  }
  return entry;
}

/** The `before` of a change: the current values of the fields it sets. */
export function beforeOf(state: CaseState, after: Partial<CaseState>): Record<string, unknown> {
  const before: Record<string, unknown> = {};
  for (const key of Object.keys(after)) before[key] = state[key as keyof CaseState] ?? null;
  return before;
}

/**
 * Writes the folded state onto the case document. Updates are not atomic on FerretDB, so an older writer
 * may land after a newer one; readers therefore compare `version` with the timeline head (see loadCase).
 * Given the state before the change, a change the open-case board does not show writes no board row.
 */
export async function writeCache(
  stores: Pick<CaseStores, 'cases' | 'caseBoard' | 'caseBatches'>,
  doc: Pick<StoredCase, 'schoolId' | 'caseId' | 'number' | 'openedAt'>,
  state: CaseState,
  version: number,
  before?: CaseState,
): Promise<void> {
  const set: Record<string, unknown> = {};
  for (const field of STATE_FIELDS) set[field] = state[field];
  const { schoolId, caseId } = doc;
  if (stores.caseBatches) await stores.caseBatches.updateCache(stores, { schoolId, caseId, version, set });
  else await retryBusy(() => stores.cases.updateOne({ schoolId, caseId, version: { $lt: version } }, { $set: { ...set, version } }));
  const listing = listingOf(doc, state, version);
  if (before && sameListing(listing, listingOf(doc, before, version - 1))) return;
  await postToBoard(stores, listing);
}

/** A case with its timeline-true state. */
export interface LoadedCase {
  doc: StoredCase;
  state: CaseState;
  timeline: TimelineEntry[];
  head: TimelineEntry | undefined;
}

/**
 * Loads a case of a school (undefined when there is none: a case id from another school is "not found")
 * and its timeline; if the cached fields lag the timeline they are rewritten from it. `known` is the case
 * document the caller has just read (it is not read again).
 */
export async function loadCase(stores: Pick<CaseStores, 'cases' | 'caseTimeline' | 'caseBoard' | 'caseBatches'>, schoolId: string, caseId: string, known?: StoredCase): Promise<LoadedCase | undefined> {
  const doc = known ?? (await findCase(stores, schoolId, caseId));
  if (!doc) return undefined;
  const timeline = await loadTimeline(stores, caseId);
  const state = foldTimeline(timeline);
  const head = timeline.at(-1);
  if (head && doc.version !== head.seq) {
    await retryBusy(() => stores.cases.updateOne({ schoolId, caseId }, { $set: { ...pickState(state as unknown as Record<string, unknown>), version: head.seq } }));
    await postToBoard(stores, listingOf(doc, state, head.seq));
    Object.assign(doc, state, { version: head.seq });
  }
  return { doc, state, timeline, head };
}
