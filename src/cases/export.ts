import type { School } from '../config/load.js';
import type { Person } from '../directory/person.js';
import { logAccess } from './access.js';
import { caseView, type CaseView } from './case-view.js';
import { CATEGORY_LABEL, formatWhen, SEVERITY_LABEL, STATUS_LABEL } from './labels.js';
import { foldTimeline } from './state.js';
import type { CaseStores, LoadedCase, StoredCase } from './store.js';
import type { Actor, TimelineEntry } from './timeline-model.js';

/** One CSV cell: quoted, and a leading = + - @ neutralised so a spreadsheet never runs it as a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

function csv(rows: string[][]): string {
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

function actionTaken(view: CaseView, timeline: readonly TimelineEntry[], tz: string): string {
  const parts: string[] = [];
  const ack = timeline.find((e) => e.action === 'acknowledged');
  if (ack) parts.push(`Acknowledged by ${ack.by.name} ${formatWhen(ack.at, tz)}`);
  for (const a of view.actionsTaken) parts.push(`Action: ${a.words} (${a.when})`);
  for (const r of view.referrals) parts.push(`Referred to ${r.words}`);
  const notes = timeline.filter((e) => e.action === 'note').length;
  if (notes) parts.push(`${notes} note(s) on the record`);
  if (view.outcome) parts.push(`Outcome: ${view.outcome}`);
  return parts.join('; ') || 'None yet';
}

/** A stored case and its timeline as the case view model takes them. */
async function loadForExport(stores: CaseStores, doc: StoredCase): Promise<LoadedCase> {
  const timeline = await stores.caseTimeline.find({ caseId: doc.caseId }).sort({ seq: 1 }).lean<TimelineEntry[]>();
  return { doc, state: foldTimeline(timeline), timeline, head: timeline.at(-1) };
}

/** Who an export is for, for the access log. */
export interface Exporter {
  actor: Actor;
}

/**
 * The online-safety incident log of a school as CSV (date, where, what happened, action taken, who recorded
 * it), oldest first, optionally limited to cases opened in [from, to). The export is written to the access log.
 */
export async function exportIncidentLog(stores: CaseStores, school: School, by: Actor, range: { from?: Date; to?: Date }, now: Date): Promise<{ csv: string; cases: number }> {
  const filter: Record<string, unknown> = { schoolId: school.id };
  if (range.from || range.to) filter.openedAt = { ...(range.from ? { $gte: range.from } : {}), ...(range.to ? { $lt: range.to } : {}) };
  const cases = await stores.cases.find(filter).sort({ openedAt: 1 }).lean<StoredCase[]>();
  const rows: string[][] = [['Case', 'Date', 'Where', 'What happened', 'Action taken', 'Recorded by', 'Category', 'Severity', 'Status']];
  for (const c of cases) {
    const loaded = await loadForExport(stores, c);
    const { state, timeline } = loaded;
    // The same view model as the card and the dashboard: a "do not view" case's text is redacted there.
    const view = caseView(loaded, school, [], now);
    rows.push([
      c.number,
      view.when,
      view.where,
      view.summary,
      actionTaken(view, timeline, school.timezone),
      view.reportedBy,
      CATEGORY_LABEL[state.category],
      SEVERITY_LABEL[state.severity],
      STATUS_LABEL[state.status],
    ]);
  }
  await logAccess(stores, { schoolId: school.id, caseId: null, who: by.email, kind: 'export', what: `incident log (${cases.length} cases)`, at: now });
  return { csv: csv(rows), cases: cases.length };
}

/** One pupil's chronology across every case about them, as CSV; each case included is logged as viewed by export. */
export async function exportChronology(stores: CaseStores, school: School, personId: string, by: Actor, now: Date): Promise<{ csv: string; cases: number; pupil: Person | null }> {
  const pupil = await stores.people.findOne({ schoolId: school.id, personId }).lean<Person>();
  const cases = await stores.cases.find({ schoolId: school.id, subjects: personId }).sort({ openedAt: 1 }).lean<StoredCase[]>();
  const events: { at: Date; row: string[] }[] = [];
  for (const c of cases) {
    const loaded = await loadForExport(stores, c);
    const view = caseView(loaded, school, [], now);
    loaded.timeline.forEach((e, i) => {
      const line = view.timeline[i];
      const detail = e.action === 'opened' ? view.summary : line?.note ?? line?.changes.filter((c) => /^(Status|Outcome|Outcome category|Referral|Action taken|When):/.test(c)).join('; ') ?? '';
      events.push({ at: new Date(e.at), row: [line?.when ?? formatWhen(e.at, school.timezone), c.number, e.action, e.by.name, detail] });
    });
    await logAccess(stores, { schoolId: school.id, caseId: c.caseId, who: by.email, kind: 'export', what: `chronology of ${personId}`, at: now });
  }
  events.sort((a, b) => a.at.getTime() - b.at.getTime());
  return { csv: csv([['Date', 'Case', 'Event', 'By', 'Detail'], ...events.map((e) => e.row)]), cases: cases.length, pupil };
}
