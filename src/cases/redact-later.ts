import { hashEntry } from './chain.js';
import { redactEntry } from './do-not-view.js';
import { foldTimeline } from './state.js';
import { appendEntry, loadCase, TimelineConflict, writeCache, type CaseStores, type LoadedCase } from './store.js';
import { LANTERN_ACTOR, type RedactedEntry, type TimelineEntry } from './timeline-model.js';
import { canonicalJson } from '../integrity/canonical.js';
import { retryBusy } from '../db/errors.js';

/**
 * A case that BECOMES "do not view" (a DSL reclassifies it, a later detection says so) was written before with
 * its links, file names and item ids. Its earlier entries are then made safe in place, and the chain still
 * verifies: each keeps the hash (and seal) it was written with, and one `redacted` entry, appended first and
 * sealed like any other, records for each the original hash and the hash of its redacted content. Verify
 * accepts an entry that matches either, the redacted one only where a `redacted` entry names it.
 */

type Content = Pick<TimelineEntry, 'before' | 'after' | 'note'>;

/** The entry's before, after and note as a "do not view" case may store them (as stored: a JSON round trip). */
function safeContent(entry: TimelineEntry): Content {
  const safe = redactEntry(entry);
  return JSON.parse(JSON.stringify({ before: safe.before, after: safe.after, note: safe.note })) as Content;
}

/** The earlier entries a "do not view" case still holds unredacted text in, with what each becomes. */
function toRedact(timeline: readonly TimelineEntry[]): { entry: TimelineEntry; safe: Content; redactedHash: string }[] {
  const out: { entry: TimelineEntry; safe: Content; redactedHash: string }[] = [];
  for (const entry of timeline) {
    // Only content still as written: a redacted entry no longer matches its hash, and a tampered one is verify's to report.
    if (hashEntry(entry) !== entry.hash) continue;
    const safe = safeContent(entry);
    if (canonicalJson(safe) === canonicalJson({ before: entry.before, after: entry.after, note: entry.note })) continue;
    out.push({ entry, safe, redactedHash: hashEntry({ ...entry, ...safe }) });
  }
  return out;
}

/** Every entry some `redacted` entry of the timeline names, by seq. */
export function redactionsOf(timeline: readonly Pick<TimelineEntry, 'redacts'>[]): Map<number, RedactedEntry> {
  const out = new Map<number, RedactedEntry>();
  for (const e of timeline) for (const r of e.redacts ?? []) out.set(r.seq, r);
  return out;
}

/**
 * Makes a "do not view" case's earlier entries safe: appends the `redacted` entry naming them, then replaces
 * their content, then rewrites the case document and board row from the timeline. Idempotent, so a run that
 * stopped half-way is finished by the next change to the case. Returns the case as it now stands.
 */
export async function redactEarlierEntries(stores: CaseStores, loaded: LoadedCase, at: Date): Promise<LoadedCase> {
  if (!loaded.state.doNotView) return loaded;
  const pending = toRedact(loaded.timeline);
  if (pending.length === 0) return loaded;
  // Named again after a run that stopped half-way, so the case document is rewritten at a newer version.
  const seqs = pending.map((p) => p.entry.seq);
  const marker = await appendEntry(stores, {
    caseId: loaded.doc.caseId,
    schoolId: loaded.doc.schoolId,
    head: loaded.head,
    at,
    by: LANTERN_ACTOR,
    action: 'redacted',
    before: {},
    after: {},
    note: `The case became "do not view": links, file names and item ids were removed from ${seqs.length === 1 ? 'entry' : 'entries'} ${seqs.join(', ')}. Each keeps the hash it was written with, so the record still verifies.`,
    doNotView: true,
    redacts: pending.map((p) => ({ seq: p.entry.seq, hash: p.entry.hash, redactedHash: p.redactedHash })),
  });
  const safeBySeq = new Map(pending.map((p) => [p.entry.seq, p.safe]));
  for (const p of pending) {
    // Matched on the original hash: content someone changed meanwhile is left for verify to report.
    await retryBusy(() => stores.caseTimeline.updateOne({ caseId: p.entry.caseId, seq: p.entry.seq, hash: p.entry.hash }, { $set: { before: p.safe.before, after: p.safe.after, note: p.safe.note } }));
  }
  const timeline = [...loaded.timeline, marker].map((e) => {
    const safe = safeBySeq.get(e.seq);
    return safe ? { ...e, ...safe } : e;
  });
  const state = foldTimeline(timeline);
  await writeCache(stores, loaded.doc, state, marker.seq);
  return { doc: { ...loaded.doc, ...state, version: marker.seq }, state, timeline, head: marker };
}

/** Redacts as above, reloading and trying again when another writer appended first; the case as it now stands. */
export async function finishRedaction(stores: CaseStores, loaded: LoadedCase, clock: () => Date): Promise<LoadedCase> {
  let current: LoadedCase | undefined = loaded;
  for (let raced = 0; raced < 8 && current; raced++) {
    try {
      return await redactEarlierEntries(stores, current, clock());
    } catch (err) {
      if (!(err instanceof TimelineConflict)) throw err;
      current = await loadCase(stores, loaded.doc.schoolId, loaded.doc.caseId);
    }
  }
  // Still racing: whoever appended last redacts, since every change to a "do not view" case runs this.
  return current ?? loaded;
}
