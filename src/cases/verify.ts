import { canonicalJson, hashEntry } from './chain.js';
import { foldTimeline, pickState } from './state.js';
import type { CaseStores, StoredCase } from './store.js';
import type { TimelineEntry } from './timeline-model.js';

/** One problem found in a case's record, with where it is. */
export interface VerifyIssue {
  caseNumber: string;
  caseId: string;
  /** The timeline position (seq) the problem is at, when it has one. */
  seq: number | null;
  kind: 'edited' | 'missing' | 'inserted' | 'truncated' | 'cache-differs' | 'cache-stale' | 'no-timeline';
  message: string;
}

/**
 * Checks one case: every entry's hash matches its content, each entry holds the previous entry's hash,
 * seqs run 1, 2, 3 … without gaps, and the case document agrees with what its timeline folds to.
 */
export function verifyCaseRecord(doc: Pick<StoredCase, 'number' | 'caseId' | 'version'> & Record<string, unknown>, timeline: readonly TimelineEntry[]): VerifyIssue[] {
  const issues: VerifyIssue[] = [];
  const at = (seq: number | null, kind: VerifyIssue['kind'], message: string) => issues.push({ caseNumber: doc.number, caseId: doc.caseId, seq, kind, message });
  if (timeline.length === 0) {
    at(null, 'no-timeline', 'The case has no timeline entries: its record was deleted or never written.');
    return issues;
  }
  let expected = 1;
  let prev: TimelineEntry | undefined;
  for (const entry of timeline) {
    if (hashEntry(entry) !== entry.hash) at(entry.seq, 'edited', `Entry ${entry.seq} (${entry.action}) was changed after it was written: its content no longer matches its hash.`);
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

/** Verifies every case of a school (or of all schools) and returns what it found. */
export async function verifyCases(stores: Pick<CaseStores, 'cases' | 'caseTimeline'>, schoolId?: string): Promise<{ checked: number; issues: VerifyIssue[] }> {
  const issues: VerifyIssue[] = [];
  let checked = 0;
  const cursor = stores.cases.find(schoolId ? { schoolId } : {}).sort({ schoolId: 1, number: 1 }).lean<StoredCase>().cursor();
  for await (const doc of cursor) {
    const timeline = await stores.caseTimeline.find({ caseId: doc.caseId }).sort({ seq: 1 }).lean<TimelineEntry[]>();
    issues.push(...verifyCaseRecord(doc as StoredCase & Record<string, unknown>, timeline));
    checked += 1;
  }
  return { checked, issues };
}
