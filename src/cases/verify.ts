import { canonicalJson, hashEntry } from './chain.js';
import { redactionsOf } from './redact-later.js';
import { foldTimeline, pickState } from './state.js';
import type { CaseStores, StoredCase } from './store.js';
import type { RedactedEntry, TimelineEntry } from './timeline-model.js';
import type { HeadLink } from '../integrity/heads.js';
import type { IntegrityKey } from '../integrity/key.js';
import { checkSeal, emptyTally, tallySeal, type SealTally } from '../integrity/seal.js';

/** One problem found in a case's record, with where it is. */
export interface VerifyIssue {
  caseNumber: string;
  caseId: string;
  /** The timeline position (seq) the problem is at, when it has one. */
  seq: number | null;
  kind: 'edited' | 'missing' | 'inserted' | 'truncated' | 'cache-differs' | 'cache-stale' | 'no-timeline' | 'unsealed' | 'forged';
  message: string;
}

/**
 * Checks one case: every entry's hash matches its content, each entry holds the previous entry's hash,
 * seqs run 1, 2, 3 … without gaps, and the case document agrees with what its timeline folds to. With the
 * integrity key, every entry's seal must match its hash too: a timeline rewritten end to end with
 * recomputed hashes still fails there, because the seals need the key, which is not in the database.
 */
export function verifyCaseRecord(
  doc: Pick<StoredCase, 'number' | 'caseId' | 'version'> & Record<string, unknown>,
  timeline: readonly TimelineEntry[],
  key: IntegrityKey | null = null,
  seals: SealTally = emptyTally(),
): VerifyIssue[] {
  const issues: VerifyIssue[] = [];
  const at = (seq: number | null, kind: VerifyIssue['kind'], message: string) => issues.push({ caseNumber: doc.number, caseId: doc.caseId, seq, kind, message });
  if (timeline.length === 0) {
    at(null, 'no-timeline', 'The case has no timeline entries: its record was deleted or never written.');
    return issues;
  }
  let expected = 1;
  let prev: TimelineEntry | undefined;
  const redactions = redactionsOf(timeline);
  for (const entry of timeline) {
    if (contentCheck(entry, redactions) === 'edited') at(entry.seq, 'edited', `Entry ${entry.seq} (${entry.action}) was changed after it was written: its content no longer matches its hash.`);
    if (key) {
      const check = checkSeal(key, 'cases', entry.hash, entry);
      tallySeal(seals, check, entry);
      if (check === 'unsealed') at(entry.seq, 'unsealed', `Entry ${entry.seq} (${entry.action}) has no seal: it was written outside Lantern.`);
      if (check === 'forged') at(entry.seq, 'forged', `Entry ${entry.seq} (${entry.action})'s seal does not match: the entry or the chain was rewritten outside Lantern.`);
    }
    if (entry.seq > expected) {
      at(expected, 'missing', expected === entry.seq - 1 ? `Entry ${expected} is missing: it was deleted.` : `Entries ${expected}–${entry.seq - 1} are missing: they were deleted.`);
    }
    const expectedPrev = prev?.hash ?? '';
    // After a gap the broken link is the deletion's consequence, already reported as missing.
    if (entry.prevHash !== expectedPrev && entry.seq <= expected) {
      at(entry.seq, 'inserted', `Entry ${entry.seq} does not follow entry ${entry.seq - 1}: an entry was inserted or replaced here.`);
    }
    expected = entry.seq + 1;
    prev = entry;
  }
  const last = timeline.at(-1) as TimelineEntry;
  if (doc.version > last.seq) {
    at(last.seq + 1, 'truncated', `The case record has seen ${doc.version} entries but the timeline ends at ${last.seq}: entries after ${last.seq} were deleted.`);
  } else if (doc.version < last.seq) {
    at(doc.version, 'cache-stale', `The case summary lags the timeline (entry ${doc.version} of ${last.seq}); it is rebuilt the next time the case is opened.`);
  } else {
    const fromTimeline = pickState(foldTimeline(timeline) as unknown as Record<string, unknown>);
    const cached = pickState(doc);
    const differing = Object.keys(fromTimeline).filter((k) => canonicalJson(fromTimeline[k]) !== canonicalJson(cached[k]));
    if (differing.length > 0) at(last.seq, 'cache-differs', `The case record's ${differing.join(', ')} differ from what its timeline says: the case document was changed directly.`);
  }
  return issues;
}

/**
 * Whether an entry's content is as written, or as a "do not view" redaction left it (a `redacted` entry names
 * its original hash and its redacted content's hash, and is itself hashed and sealed), or changed since.
 */
export function contentCheck(entry: TimelineEntry, redactions: ReadonlyMap<number, RedactedEntry>): 'as-written' | 'redacted' | 'edited' {
  const content = hashEntry(entry);
  if (content === entry.hash) return 'as-written';
  const redaction = redactions.get(entry.seq);
  return redaction?.hash === entry.hash && redaction.redactedHash === content ? 'redacted' : 'edited';
}

/** What verifying a school's cases found: cases and entries checked, the seals (null without a key) and the problems. */
export interface CasesReport {
  checked: number;
  entries: number;
  seals: SealTally | null;
  /** Entries of "do not view" cases whose links, file names and item ids were removed after they were written (not problems). */
  redacted: number;
  issues: VerifyIssue[];
}

/** Verifies every case of a school (or of all schools) and returns what it found. */
export async function verifyCases(stores: Pick<CaseStores, 'cases' | 'caseTimeline' | 'integrity'>, schoolId?: string): Promise<CasesReport> {
  const issues: VerifyIssue[] = [];
  const seals = emptyTally();
  let checked = 0;
  let entries = 0;
  let redacted = 0;
  const cursor = stores.cases.find(schoolId ? { schoolId } : {}).sort({ schoolId: 1, number: 1 }).lean<StoredCase>().cursor();
  for await (const doc of cursor) {
    const timeline = await stores.caseTimeline.find({ caseId: doc.caseId }).sort({ seq: 1 }).lean<TimelineEntry[]>();
    issues.push(...verifyCaseRecord(doc as StoredCase & Record<string, unknown>, timeline, stores.integrity, seals));
    checked += 1;
    entries += timeline.length;
    const redactions = redactionsOf(timeline);
    redacted += timeline.filter((e) => contentCheck(e, redactions) === 'redacted').length;
  }
  return { checked, entries, seals: stores.integrity ? seals : null, redacted, issues };
}

/** A school's timeline entries written up to `upTo`, as a published head covers them. */
export async function caseTimelineLinks(stores: Pick<CaseStores, 'caseTimeline'>, schoolId: string, upTo: Date): Promise<HeadLink[]> {
  const rows = await stores.caseTimeline.find({ schoolId, at: { $lte: upTo } }, { caseId: 1, seq: 1, hash: 1 }).lean<TimelineEntry[]>();
  return rows.map((r) => ({ id: r.caseId, seq: r.seq, hash: r.hash }));
}
