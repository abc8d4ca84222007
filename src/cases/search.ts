import { listingOf, type CaseListing } from './board.js';
import type { Category, Severity } from './case-model.js';
import type { CaseState } from './state.js';
import type { CaseStores, StoredCase } from './store.js';

/** What the DSL asked for: closed cases, or (with `q`) cases open or closed matching a pupil, a member of staff or a case number. */
export interface CaseSearch {
  closed: boolean;
  /** A pupil's or staff member's name (or part of it), a staff email, or a case number; '' for none. */
  q: string;
  severity?: Severity | '';
  category?: Category | '';
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The longest search accepted; longer text is cut (names and case numbers are short). */
export const MAX_SEARCH = 100;

/**
 * Cases of a school for the dashboard's closed list and search, newest first, read from the case documents
 * (the board holds open cases only). A search finds a case by its number, a pupil it is about, a member of
 * staff who reported it, is assigned it or is named among those involved.
 */
export async function searchCases(stores: Pick<CaseStores, 'cases' | 'people'>, schoolId: string, search: CaseSearch, limit: number, offset = 0): Promise<CaseListing[]> {
  const filter: Record<string, unknown> = { schoolId };
  if (search.severity) filter.severity = search.severity;
  if (search.category) filter.category = search.category;
  const q = search.q.trim().slice(0, MAX_SEARCH);
  if (q) {
    const name = new RegExp(escapeRegex(q), 'i');
    const people = await stores.people.find({ schoolId, $or: [{ displayName: name }, { email: q.toLowerCase() }] }, { personId: 1, email: 1, role: 1 }).lean<Array<{ personId: string; email?: string; role: string }>>();
    const pupilIds = people.filter((p) => p.role === 'pupil').map((p) => p.personId);
    const staffEmails = people.filter((p) => p.role !== 'pupil' && p.role !== 'parent' && p.email).map((p) => p.email as string);
    filter.$or = [
      { number: q.toUpperCase() },
      { subjects: { $in: pupilIds } },
      { 'reporter.email': { $in: staffEmails } },
      { 'assignee.email': { $in: staffEmails } },
      { involved: name },
    ];
  } else if (search.closed) {
    filter.status = 'closed';
  }
  const docs = await stores.cases.find(filter).sort({ openedAt: -1 }).skip(offset).limit(limit).lean<StoredCase[]>();
  return docs.map((d) => listingOf(d, d as unknown as CaseState, d.version));
}
