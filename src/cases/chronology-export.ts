import type { School } from '../config/load.js';
import type { Person } from '../directory/person.js';
import { logAccess } from './access.js';
import { caseView, everSubjects } from './case-view.js';
import { chronologyHtml } from './chronology-html.js';
import { formatWhen } from './labels.js';
import { loadCase, type CaseStores, type LoadedCase } from './store.js';
import type { Actor } from './timeline-model.js';

/** Where the printable chronology was asked for, for the access log. */
export type ChronologyChannel = 'cli' | 'dashboard';

/**
 * One case's chronology as a printable HTML page, for the DSL team. The case is found by its number within the
 * school only; every print is written to the case's access log. Undefined when the school has no such case.
 */
export async function printCaseChronology(
  stores: CaseStores,
  school: School,
  number: string,
  by: Actor,
  opts: { now: Date; channel: ChronologyChannel; stylesheet?: string; loaded?: LoadedCase },
): Promise<{ html: string; caseId: string } | undefined> {
  const doc = opts.loaded ? opts.loaded.doc : await stores.cases.findOne({ schoolId: school.id, number }).select({ caseId: 1 }).lean<{ caseId: string }>();
  const loaded = opts.loaded ?? (doc ? await loadCase(stores, school.id, doc.caseId) : undefined);
  if (!loaded) return undefined;
  const people = await stores.people.find({ schoolId: school.id, personId: { $in: everSubjects(loaded) } }).lean<Person[]>();
  const view = caseView(loaded, school, people, opts.now);
  await logAccess(stores, { schoolId: school.id, caseId: loaded.doc.caseId, who: by.email, kind: 'export', what: `printable chronology (${opts.channel})`, at: opts.now });
  const html = chronologyHtml(view, { schoolName: school.name, printedBy: by.name, printedAt: formatWhen(opts.now, school.timezone), ...(opts.stylesheet ? { stylesheet: opts.stylesheet } : {}) });
  return { html, caseId: loaded.doc.caseId };
}
