import type { School } from '../config/load.js';
import { logAccess } from './access.js';
import { breachClockStart, breachDecisionWords } from './breach.js';
import { dpoToldAt } from './breach-notify.js';
import { caseView } from './case-view.js';
import { csvCell } from './export.js';
import { formatWhen } from './labels.js';
import { foldTimeline } from './state.js';
import type { CaseStores, StoredCase } from './store.js';
import type { Models } from '../stores.js';
import type { Actor, TimelineEntry } from './timeline-model.js';

/** One row of the breach register, in words. */
export interface BreachRow {
  number: string;
  opened: string;
  howDetected: string;
  clockStart: string;
  deadline: string;
  dpoToldAt: string;
  decision: string;
  reportedAt: string;
  icoReference: string;
}

/** The register's columns, in order, with their headings. */
const COLUMNS: [keyof BreachRow, string][] = [
  ['number', 'Case'], ['opened', 'Opened'], ['howDetected', 'How detected'], ['clockStart', 'Clock started'], ['deadline', 'Deadline (72 hours)'],
  ['dpoToldAt', 'DPO told'], ['decision', 'Decision'], ['reportedAt', 'Reported to the ICO on'], ['icoReference', 'ICO reference'],
];

/**
 * The personal-data breach register of a school: every case whose 72-hour clock started in [from, to), oldest
 * first, with the DPO's decision ("not reported, because …" when not reported). Built from the case view model
 * (a "do not view" case's text is redacted there) and written to the access log, like the other exports.
 */
export async function breachRegister(stores: CaseStores & Pick<Models, 'breachNotices'>, school: School, by: Actor, range: { from?: Date; to?: Date }, now: Date): Promise<BreachRow[]> {
  const docs = await stores.cases.find({ schoolId: school.id, dpoDeadline: { $ne: null } }).lean<StoredCase[]>();
  const inRange = docs
    .filter((d) => {
      const start = breachClockStart(d.dpoDeadline as Date).getTime();
      return (!range.from || start >= range.from.getTime()) && (!range.to || start < range.to.getTime());
    })
    .sort((a, b) => (a.dpoDeadline as Date).getTime() - (b.dpoDeadline as Date).getTime());
  const told = await dpoToldAt(stores, inRange.map((d) => d.caseId));
  const tz = school.timezone;
  const rows: BreachRow[] = [];
  for (const doc of inRange) {
    const timeline = await stores.caseTimeline.find({ caseId: doc.caseId }).sort({ seq: 1 }).lean<TimelineEntry[]>();
    const state = foldTimeline(timeline);
    const view = caseView({ doc, state, timeline, head: timeline.at(-1) }, school, [], now);
    const deadline = state.dpoDeadline as Date;
    const decision = view.breach.decision;
    rows.push({
      number: doc.number,
      opened: view.openedAt,
      howDetected: view.breach.how,
      clockStart: formatWhen(breachClockStart(deadline), tz),
      deadline: formatWhen(deadline, tz),
      dpoToldAt: told.has(doc.caseId) ? formatWhen(told.get(doc.caseId), tz) : 'Not yet',
      decision: decision ?? breachDecisionWords(null),
      reportedAt: state.breachDecision?.reported ? state.breachDecision.reportedOn : '',
      icoReference: state.breachDecision?.reported ? view.breach.icoReference : '',
    });
  }
  await logAccess(stores, { schoolId: school.id, caseId: null, who: by.email, kind: 'export', what: `breach register (${rows.length} cases)`, at: now });
  return rows;
}

/** The register as CSV (cells neutralised against spreadsheet formulas). */
export function breachRegisterCsv(rows: readonly BreachRow[]): string {
  const lines = [COLUMNS.map(([, h]) => h), ...rows.map((r) => COLUMNS.map(([k]) => r[k]))];
  return `${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** The register as lines for a terminal. */
export function breachRegisterText(rows: readonly BreachRow[]): string[] {
  if (rows.length === 0) return ['No possible personal-data breaches in that period.'];
  return rows.map((r) => `${r.number}  opened ${r.opened}  ${r.howDetected}  clock ${r.clockStart}  deadline ${r.deadline}  DPO told ${r.dpoToldAt}  ${r.decision}`);
}
