import type { Migration } from '../db/migrations.js';
import { hashEntry } from './chain.js';
import { redactEntry } from './do-not-view.js';
import { foldTimeline, pickState } from './state.js';
import { LANTERN_ACTOR, type TimelineEntry } from './timeline-model.js';

type Db = Parameters<Migration['up']>[0];
type CaseRow = { caseId: string; schoolId: string; channelMessage?: unknown; redactionInProgress?: boolean };

/** A chain whose every entry still matches its hash; `linksMayBreak` after a rewrite that stopped half-way. */
function intact(entries: readonly TimelineEntry[], linksMayBreak: boolean): boolean {
  return entries.every((e, i) => e.seq === i + 1 && hashEntry(e) === e.hash && (linksMayBreak || e.prevHash === (entries[i - 1]?.hash ?? '')));
}

/**
 * Rewrites one "do not view" case without links, file names or item ids: every timeline entry redacted and
 * re-chained, a `redacted` entry saying so appended, then the case document, its board row and its posted
 * card (queued for the flush job) brought in line. Returns false when there was nothing to remove.
 */
async function redactCase(db: Db, row: CaseRow, now: Date): Promise<boolean> {
  const timeline = db.collection<TimelineEntry>('case_timeline');
  const cases = db.collection<CaseRow>('cases');
  const entries = await timeline.find({ caseId: row.caseId }).sort({ seq: 1 }).toArray();
  // A chain someone tampered with is not re-hashed (that would hide it): `lantern cases verify` reports it.
  if (entries.length === 0 || !intact(entries, row.redactionInProgress === true)) return false;
  const rewritten: TimelineEntry[] = [];
  for (const entry of entries) {
    const safe = JSON.parse(JSON.stringify(redactEntry(entry))) as TimelineEntry;
    const fields = { ...safe, at: entry.at, prevHash: rewritten.at(-1)?.hash ?? '' };
    rewritten.push({ ...fields, hash: hashEntry(fields) });
  }
  const changed = rewritten.filter((e, i) => e.hash !== entries[i]?.hash);
  if (changed.length === 0 && !row.redactionInProgress) return false;
  await cases.updateOne({ caseId: row.caseId }, { $set: { redactionInProgress: true } });
  for (const e of changed) await timeline.replaceOne({ caseId: e.caseId, seq: e.seq }, { caseId: e.caseId, schoolId: e.schoolId, seq: e.seq, at: e.at, by: e.by, action: e.action, before: e.before, after: e.after, note: e.note, prevHash: e.prevHash, hash: e.hash });
  const head = rewritten.at(-1) as TimelineEntry;
  // Written already redacted-safe (no ids in it), so a second run finds nothing to change.
  const note = `Links, file names and item ids were removed from this "do not view" record when Lantern was upgraded; ${changed.length} earlier entries were rewritten and the chain re-hashed.`;
  const fields = { caseId: row.caseId, schoolId: row.schoolId, seq: head.seq + 1, at: now, by: LANTERN_ACTOR, action: 'redacted' as const, before: {}, after: {}, note, prevHash: head.hash };
  const marker: TimelineEntry = { ...fields, hash: hashEntry(fields) };
  await timeline.insertOne(marker);
  const state = pickState(foldTimeline([...rewritten, marker]) as unknown as Record<string, unknown>);
  await cases.updateOne(
    { caseId: row.caseId },
    { $set: { ...state, version: marker.seq, ...(row.channelMessage ? { channelPending: true } : {}) }, $unset: { redactionInProgress: '' } },
  );
  // The open-case board keeps one row per case, keyed by version: move it to the new version with the safe summary.
  const board = db.collection<{ _id: string; caseId: string; version: number; summary: string }>('case_board');
  for (const old of await board.find({ caseId: row.caseId }).toArray()) {
    const id = `${row.caseId}:${String(marker.seq).padStart(6, '0')}`;
    await board.updateOne({ _id: id }, { $setOnInsert: { ...old, _id: id, version: marker.seq, summary: String(state.summary) } }, { upsert: true });
    if (old._id !== id) await board.deleteOne({ _id: old._id });
  }
  return true;
}

/**
 * Issue #13: earlier releases stored the links, file names and item ids of "do not view" cases (their "where",
 * a note's link, a detection's item id). This removes them from every such case already in the database.
 */
export const REDACT_DO_NOT_VIEW_CASES: Migration = {
  id: '2026-12-06-cases-redact-do-not-view',
  description: 'remove links, file names and item ids from "do not view" case records (UKCIS)',
  async up(db) {
    const exists = await db.listCollections({ name: 'cases' }, { nameOnly: true }).hasNext();
    if (!exists) return;
    const now = new Date();
    const rows = await db.collection<CaseRow>('cases').find({ doNotView: true }, { projection: { caseId: 1, schoolId: 1, channelMessage: 1, redactionInProgress: 1 } }).toArray();
    for (const row of rows) await redactCase(db, row, now);
  },
};
