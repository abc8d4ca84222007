import { flagWords } from '../cases/subjects.js';
import type { School } from '../config/load.js';
import type { Person } from '../directory/person.js';
import { ACTION_WORDS, AGENCY_LABEL, CATEGORY_LABEL, formatWhen, SEVERITY_LABEL, SOURCE_LABEL, STATUS_LABEL } from '../cases/labels.js';
import type { CaseState } from '../cases/state.js';
import type { LoadedCase } from '../cases/store.js';
import type { TimelineEntry } from '../cases/timeline-model.js';


/** The fields whose changes the timeline spells out (others are summarised by the action's words). */
const SHOWN_CHANGES: Partial<Record<keyof CaseState, string>> = { status: 'Status', severity: 'Severity', category: 'Category', assignee: 'Assigned to', legalHold: 'Legal hold', outcome: 'Outcome' };

/** A directory id as a name the DSL recognises, e.g. "Ava Adebayo (Kestrels)". */
export function subjectName(id: string, byId: ReadonlyMap<string, Person>): string {
  const p = byId.get(id);
  if (!p) return 'A person no longer in the directory';
  const where = p.form ?? (p.yearGroup ? `Year ${p.yearGroup}` : p.jobTitle);
  return `${p.displayName}${where ? ` (${where})` : ''}${flagWords(p)}`;
}

function valueWords(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return field === 'assignee' ? 'Nobody' : 'None';
  if (field === 'status') return STATUS_LABEL[value as CaseState['status']] ?? String(value);
  if (field === 'severity') return SEVERITY_LABEL[value as CaseState['severity']] ?? String(value);
  if (field === 'category') return CATEGORY_LABEL[value as CaseState['category']] ?? String(value);
  if (field === 'legalHold') return value ? 'On' : 'Off';
  if (typeof value === 'object' && value && 'name' in value) return String((value as { name: unknown }).name);
  return String(value);
}

/** One line of the timeline as shown: who, when, what, and the changes it made. */
export interface TimelineLine {
  seq: number;
  when: string;
  who: string;
  what: string;
  changes: string[];
  /** Free text as written; the page shows it as text, never markup. */
  note: string | null;
}

/** The timeline in words; the opening entry's many fields are not listed (the summary above shows them). */
export function timelineLines(timeline: readonly TimelineEntry[], tz: string): TimelineLine[] {
  return timeline.map((e) => ({
    seq: e.seq,
    when: formatWhen(e.at, tz),
    who: e.by.name,
    what: ACTION_WORDS[e.action],
    changes:
      e.action === 'opened'
        ? []
        : Object.entries(SHOWN_CHANGES)
            .filter(([field]) => Object.hasOwn(e.after, field))
            .map(([field, label]) => `${label}: ${valueWords(field, e.before[field])} → ${valueWords(field, e.after[field])}`),
    note: e.note,
  }));
}

/**
 * Everything the case page shows, in plain words. Metadata only: detections say which rule fired and when,
 * never the item's id, title, link or content; a "do not view" case says so first.
 */
export function caseView(loaded: LoadedCase, school: School, people: readonly Person[], now: Date) {
  const { state, doc } = loaded;
  const tz = school.timezone;
  const byId = new Map(people.map((p) => [p.personId, p]));
  return {
    number: doc.number,
    doNotView: state.doNotView,
    summary: state.summary,
    facts: [
      ['Status', STATUS_LABEL[state.status]],
      ['Severity', SEVERITY_LABEL[state.severity]],
      ['Category', CATEGORY_LABEL[state.category]],
      ['Source', SOURCE_LABEL[state.source]],
      ['Who is involved', state.subjects.length ? state.subjects.map((id) => subjectName(id, byId)).join(', ') : 'Not recorded'],
      ['When it happened', formatWhen(state.happenedAt ?? doc.openedAt, tz)],
      ['Where', state.where || 'Not recorded'],
      ['Opened', formatWhen(doc.openedAt, tz)],
      ['Reported by', state.reporter?.name ?? 'Lantern monitoring'],
      ['Assigned to', state.assignee?.name ?? 'Nobody yet'],
      ['Outcome', state.outcome ?? 'Not closed yet'],
      ['Linked cases', state.linkedCases.join(', ') || 'None'],
    ] as [string, string][],
    dpo: state.dpoDeadline && state.status !== 'closed' ? `Possible personal-data breach: the data protection officer must decide by ${formatWhen(state.dpoDeadline, tz)} whether to report it to the ICO${state.dpoDeadline.getTime() < now.getTime() ? ' (the 72 hours have passed)' : ''}.` : null,
    detections: state.detections.map((d) => ({ family: d.family, ruleId: d.ruleId, when: formatWhen(d.at, tz) })),
    referrals: state.referrals.map((r) => ({ agency: AGENCY_LABEL[r.agency], reference: r.reference || 'No reference given', when: formatWhen(r.at, tz), by: r.by.name })),
    retention: [
      ['Keep until', state.retentionUntil ? formatWhen(state.retentionUntil, tz) : 'Not set'],
      ['Why that date', state.retentionBasis ?? 'Not recorded'],
      ['Legal hold', state.legalHold ? 'On — the record will not be deleted while the hold lasts' : 'Off'],
    ] as [string, string][],
    timeline: timelineLines(loaded.timeline, tz),
    isOpen: state.status !== 'closed',
  };
}

/** The case page's data. */
export type CaseView = ReturnType<typeof caseView>;
