import { AGENCY_LABEL } from './labels.js';
import { outcomeWords, type OutcomeCategory } from './outcomes.js';
import type { ActionTaken, Referral } from './state.js';
import type { TimelineAction, TimelineEntry } from './timeline-model.js';
import { dayAndTime, formatDay } from './when-known.js';

/**
 * One row of a case's chronology as social care and the pupil's next school read it: when (the day, and the
 * time or "time not known"), what happened, who, the action taken with who was informed, and any referral.
 */
export interface ChronologyRow {
  day: string;
  time: string;
  what: string;
  who: string;
  actions: string;
  referrals: string;
  /** For ordering: the instant the row is about (a day without a time sorts at its start). */
  sortAt: number;
}

/** Lantern's own bookkeeping (posting cards, reaching people on the escalation ladder): not events of the case. */
const NOT_IN_CHRONOLOGY: ReadonlySet<TimelineAction> = new Set(['channel-posted', 'escalation-told', 'escalation-failed', 'escalation-seen', 'escalated-to-deputy', 'dpo-told']);

/** A timeline entry as the view model has already put it in words (and made safe for "do not view"). */
export interface ShownEntry {
  entry: TimelineEntry;
  what: string;
  changes: string[];
  note: string | null;
}

/** The case's opening, in the words the chronology needs (already made safe by the caller). */
export interface ChronologyOpening {
  summary: string;
  childWords: string | null;
  where: string;
  reportedBy: string;
  happenedAt: Date | null;
  happenedTimeUnknown: boolean;
}

/** A referral in words: agency, reference, and the day it was made. */
export function referralWords(r: Pick<Referral, 'agency' | 'reference' | 'madeOn' | 'at'>, safe: (text: string) => string, tz: string): string {
  const made = r.madeOn ? formatDay(r.madeOn, 'UTC') : formatDay(r.at, tz);
  return `${AGENCY_LABEL[r.agency] ?? String(r.agency)}, ${r.reference ? `reference ${safe(r.reference)}` : 'no reference given'} (made ${made})`;
}

/** An action taken in words: what was done, and who was informed. */
export function actionWords(a: Pick<ActionTaken, 'what' | 'informed'>, safe: (text: string) => string): string {
  return `${safe(a.what)}${a.informed ? ` — informed: ${safe(a.informed)}` : ' — nobody informed'}`;
}

function rowAt(at: Date | string, timeUnknown: boolean, tz: string): Pick<ChronologyRow, 'day' | 'time' | 'sortAt'> {
  return { ...dayAndTime(at, timeUnknown, tz), sortAt: new Date(at).getTime() };
}

/** The chronology of one case, oldest first, built from the timeline the view model has put in words. */
export function caseChronology(opening: ChronologyOpening, shown: readonly ShownEntry[], tz: string, safe: (text: string) => string): ChronologyRow[] {
  const rows: ChronologyRow[] = [];
  for (const { entry: e, what, changes, note } of shown) {
    if (NOT_IN_CHRONOLOGY.has(e.action)) continue;
    const who = e.by.name;
    const base = { who, actions: '', referrals: '' };
    if (e.action === 'opened') {
      const told = `${opening.summary}${opening.childWords ? `\nIn the child's words: "${opening.childWords}"` : ''}${opening.where && opening.where !== 'Not recorded' ? `\nWhere: ${opening.where}` : ''}`;
      rows.push({ ...rowAt(opening.happenedAt ?? e.at, Boolean(opening.happenedAt) && opening.happenedTimeUnknown, tz), what: `Concern: ${told}`, who: `Reported by ${opening.reportedBy}`, actions: '', referrals: '' });
      if (opening.happenedAt) rows.push({ ...rowAt(e.at, false, tz), ...base, what: 'Concern recorded in Lantern' });
      continue;
    }
    if (e.action === 'action') {
      const added = (e.after.actionsTaken as ActionTaken[] | undefined)?.at(-1);
      if (added) rows.push({ ...rowAt(added.at, added.timeUnknown, tz), ...base, what: 'Action taken', actions: actionWords(added, safe) });
      continue;
    }
    if (e.action === 'escalated') {
      const added = (e.after.referrals as Referral[] | undefined)?.at(-1);
      if (added) rows.push({ ...rowAt(added.madeOn ?? e.at, Boolean(added.madeOn), tz), ...base, what: 'Referral made', referrals: referralWords(added, safe, tz) });
      continue;
    }
    if (e.action === 'closed') {
      const words = outcomeWords((e.after.outcomeCategory as OutcomeCategory | undefined) ?? null, typeof e.after.outcome === 'string' ? safe(e.after.outcome) : null);
      rows.push({ ...rowAt(e.at, false, tz), ...base, what: `Case closed. Outcome: ${words ?? 'not recorded'}` });
      continue;
    }
    const detail = [...changes, ...(note !== null ? [note] : [])].join('\n');
    rows.push({ ...rowAt(e.at, false, tz), ...base, what: `${what[0]?.toUpperCase() ?? ''}${what.slice(1)}${detail ? `\n${detail}` : ''}` });
  }
  // Stable: rows of the same instant keep the timeline's order.
  return rows.map((r, i) => ({ r, i })).sort((a, b) => a.r.sortAt - b.r.sortAt || a.i - b.i).map(({ r }) => r);
}
