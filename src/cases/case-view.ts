import { flagWords } from './subjects.js';
import type { School } from '../config/load.js';
import type { Person } from '../directory/person.js';
import { withoutLinks } from './do-not-view.js';
import { ACTION_WORDS, AGENCY_LABEL, CATEGORY_LABEL, formatWhen, SEVERITY_LABEL, SOURCE_LABEL, STATUS_LABEL } from './labels.js';
import type { ActionTaken, CaseState, Referral } from './state.js';
import type { LoadedCase } from './store.js';
import type { TimelineEntry } from './timeline-model.js';
import { breachClockStart, breachDecisionWords } from './breach.js';
import { actionWords, caseChronology, referralWords } from './chronology.js';
import { OUTCOME_LABEL, outcomeWords, type OutcomeCategory } from './outcomes.js';
import { formatDay, formatRecorded } from './when-known.js';


/** The fields whose changes the timeline spells out (others are summarised by the action's words). */
const SHOWN_CHANGES: Partial<Record<keyof CaseState, string>> = { status: 'Status', severity: 'Severity', category: 'Category', assignee: 'Assigned to', legalHold: 'Legal hold', outcomeCategory: 'Outcome category', outcome: 'Outcome', subjects: 'Pupils', involved: 'Others involved', linkedCases: 'Linked cases' };

/** A directory id as a name the DSL recognises, e.g. "Ava Adebayo (Kestrels)". */
export function subjectName(id: string, byId: ReadonlyMap<string, Person>): string {
  const p = byId.get(id);
  if (!p) return 'A person no longer in the directory';
  const where = p.form ?? (p.yearGroup ? `Year ${p.yearGroup}` : p.jobTitle);
  return `${p.displayName}${where ? ` (${where})` : ''}${flagWords(p)}`;
}

function valueWords(field: string, value: unknown, byId: ReadonlyMap<string, Person>): string {
  if (Array.isArray(value) && value.length === 0) return 'None';
  if (field === 'subjects' && Array.isArray(value)) return value.map((id) => subjectName(String(id), byId)).join(', ');
  if (Array.isArray(value)) return value.join(', ');
  if (value === null || value === undefined || value === '') return field === 'assignee' ? 'Nobody' : 'None';
  if (field === 'status') return STATUS_LABEL[value as CaseState['status']] ?? String(value);
  if (field === 'severity') return SEVERITY_LABEL[value as CaseState['severity']] ?? String(value);
  if (field === 'category') return CATEGORY_LABEL[value as CaseState['category']] ?? String(value);
  if (field === 'legalHold') return value ? 'On' : 'Off';
  if (field === 'outcomeCategory') return OUTCOME_LABEL[value as OutcomeCategory] ?? String(value);
  if (typeof value === 'object' && value && 'name' in value) return String((value as { name: unknown }).name);
  return String(value);
}

/** What a referral or an action-taken entry recorded, in words (the list it appended to is not spelled out). */
function recordWords(e: TimelineEntry, tz: string, safe: (text: string) => string): string[] {
  if (e.action === 'escalated') {
    const r = (e.after.referrals as Referral[] | undefined)?.at(-1);
    return r ? [`Referral: ${referralWords(r, safe, tz)}`] : [];
  }
  if (e.action === 'action') {
    const a = (e.after.actionsTaken as ActionTaken[] | undefined)?.at(-1);
    return a ? [`Action taken: ${actionWords(a, safe)}`, `When: ${formatRecorded(a.at, a.timeUnknown, tz)}`] : [];
  }
  return [];
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
export function timelineLines(timeline: readonly TimelineEntry[], tz: string, doNotView = false, byId: ReadonlyMap<string, Person> = new Map()): TimelineLine[] {
  const safe = (text: string) => withoutLinks(text, doNotView);
  return timeline.map((e) => ({
    seq: e.seq,
    when: formatWhen(e.at, tz),
    who: e.by.name,
    what: ACTION_WORDS[e.action],
    changes:
      e.action === 'opened'
        ? []
        : [
            ...Object.entries(SHOWN_CHANGES)
              .filter(([field]) => Object.hasOwn(e.after, field))
              .map(([field, label]) => safe(`${label}: ${valueWords(field, e.before[field], byId)} → ${valueWords(field, e.after[field], byId)}`)),
            ...recordWords(e, tz, safe),
          ],
    note: e.note === null ? null : safe(e.note),
  }));
}

/** Who a case is about, in words: the pupils chosen and anyone else the reporter named. */
export function whoIsInvolved(state: Pick<CaseState, 'subjects' | 'involved' | 'doNotView'>, byId: ReadonlyMap<string, Person>): string {
  const named = [...state.subjects.map((id) => subjectName(id, byId)), ...(state.involved ? [withoutLinks(state.involved, state.doNotView)] : [])];
  return named.length ? named.join(', ') : 'Not recorded';
}

/**
 * THE case view model: everything any output shows of a case (the DSL channel card, the dashboard page, the
 * incident log and chronology exports and so the CLI), in plain words. Metadata only: detections say which rule
 * fired and when, never the item's id, title, link or content. A "do not view" case says so first, and every
 * text in it passes through the same redaction as when it was written, so no output can show a way to the item.
 */
export function caseView(loaded: LoadedCase, school: School, people: readonly Person[], now: Date) {
  const { state, doc } = loaded;
  const tz = school.timezone;
  const byId = new Map(people.map((p) => [p.personId, p]));
  const safe = (text: string) => withoutLinks(text, state.doNotView);
  const who = whoIsInvolved(state, byId);
  const where = safe(state.where) || 'Not recorded';
  const outcome = outcomeWords(state.outcomeCategory, state.outcome === null ? null : safe(state.outcome));
  const referrals = state.referrals.map((r) => ({ agency: AGENCY_LABEL[r.agency], reference: safe(r.reference) || 'No reference given', when: formatWhen(r.at, tz), made: r.madeOn ? formatDay(r.madeOn, 'UTC') : formatDay(r.at, tz), by: r.by.name, given: Boolean(r.reference), words: referralWords(r, safe, tz) }));
  const happened = state.happenedAt ? formatRecorded(state.happenedAt, state.happenedTimeUnknown, tz) : formatWhen(doc.openedAt, tz);
  const childWords = state.childWords === null ? null : safe(state.childWords);
  const reportedBy = state.reporter?.name ?? 'Lantern monitoring';
  const timeline = timelineLines(loaded.timeline, tz, state.doNotView, byId);
  const shown = loaded.timeline.map((entry, i) => ({ entry, what: timeline[i]?.what ?? '', changes: timeline[i]?.changes ?? [], note: timeline[i]?.note ?? null }));
  return {
    caseId: doc.caseId,
    number: doc.number,
    doNotView: state.doNotView,
    summary: safe(state.summary),
    who,
    /** The pupils the case is about, as the school's directory names them. */
    pupils: state.subjects.map((id) => subjectName(id, byId)),
    where,
    when: happened,
    openedAt: formatWhen(doc.openedAt, tz),
    reportedBy,
    /** What the child said, verbatim (redacted like everything else on a "do not view" case). */
    childWords,
    outcome,
    /** The outcome's category alone, in words (null while open, and on older records). */
    outcomeCategory: state.outcomeCategory ? OUTCOME_LABEL[state.outcomeCategory] : null,
    facts: [
      ['Status', STATUS_LABEL[state.status]],
      ['Severity', SEVERITY_LABEL[state.severity]],
      ['Category', CATEGORY_LABEL[state.category]],
      ['Source', SOURCE_LABEL[state.source]],
      ['Who is involved', who],
      ['When it happened', happened],
      ['Where', where],
      ['Opened', formatWhen(doc.openedAt, tz)],
      ['Reported by', reportedBy],
      ['Assigned to', state.assignee?.name ?? 'Nobody yet'],
      ['Outcome', outcome ?? 'Not closed yet'],
      ['Linked cases', state.linkedCases.join(', ') || 'None'],
    ] as [string, string][],
    dpo: state.dpoDeadline && state.status !== 'closed' && !state.breachDecision ? `Possible personal-data breach: the data protection officer must decide by ${formatWhen(state.dpoDeadline, tz)} whether to report it to the ICO${state.dpoDeadline.getTime() < now.getTime() ? ' (the 72 hours have passed)' : ''}.` : null,
    /** The personal-data breach clock and the DPO's decision (free text redacted on a "do not view" case). */
    breach: {
      running: Boolean(state.dpoDeadline),
      how: state.dpoDeadline ? (state.breachHow === 'manual' ? 'Marked by the DSL team' : 'Spotted by Lantern monitoring') : '',
      clockStart: state.dpoDeadline ? formatWhen(breachClockStart(state.dpoDeadline), tz) : '',
      deadline: state.dpoDeadline ? formatWhen(state.dpoDeadline, tz) : '',
      decided: Boolean(state.breachDecision),
      decision: state.breachDecision ? safe(breachDecisionWords(state.breachDecision)) : null,
      icoReference: state.breachDecision?.reported ? safe(state.breachDecision.icoReference) : '',
      /** The DSL team may start the clock by hand on any case whose clock is not running. */
      canFlag: !state.dpoDeadline,
      /** The decision may be recorded once the clock runs, whether or not the case is closed. */
      canDecide: Boolean(state.dpoDeadline) && !state.breachDecision,
    },
    detections: state.detections.map((d) => ({ family: d.family, ruleId: d.ruleId, when: formatWhen(d.at, tz) })),
    referrals,
    /** Actions taken and who was informed, oldest first. */
    actionsTaken: state.actionsTaken.map((a) => ({ what: safe(a.what), informed: safe(a.informed) || 'Nobody', when: formatRecorded(a.at, a.timeUnknown, tz), by: a.by.name, words: actionWords(a, safe) })),
    /** The case's chronology for a referral or a transfer to the pupil's next school. */
    chronology: caseChronology({ summary: safe(state.summary), childWords, where, reportedBy, happenedAt: state.happenedAt, happenedTimeUnknown: state.happenedTimeUnknown }, shown, tz, safe),
    retention: [
      ['Keep until', state.retentionUntil ? formatWhen(state.retentionUntil, tz) : 'Not set'],
      ['Why that date', state.retentionBasis ?? 'Not recorded'],
      ['Legal hold', state.legalHold ? 'On — the record will not be deleted while the hold lasts' : 'Off'],
    ] as [string, string][],
    timeline,
    isOpen: state.status !== 'closed',
  };
}

/** The case view model's type: what card, dashboard and exports are built from. */
export type CaseView = ReturnType<typeof caseView>;

/** Every pupil a case has ever named (its timeline shows who was added or removed): the directory ids to look up. */
export function everSubjects(loaded: Pick<LoadedCase, 'state' | 'timeline'>): string[] {
  const ids = new Set(loaded.state.subjects);
  for (const e of loaded.timeline) {
    for (const side of [e.before, e.after]) {
      const subjects = side.subjects;
      if (Array.isArray(subjects)) for (const id of subjects) ids.add(String(id));
    }
  }
  return [...ids];
}
