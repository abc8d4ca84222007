import { randomUUID } from 'node:crypto';
import { AGENCIES, CATEGORIES, SEVERITIES, type Agency, type Category, type Severity } from './case-model.js';
import { doNotViewSeverity } from './do-not-view.js';
import { breachDecided, possibleBreach, type BreachDecisionInput } from './breach.js';
import { isOutcomeCategory, type OutcomeCategory } from './outcomes.js';
import type { ActionTaken, CaseState, Referral } from './state.js';
import type { Actor, TimelineAction } from './timeline-model.js';
import type { RecordedWhen } from './when-known.js';

/** The longest note, reason or outcome accepted; longer text is refused, not cut. */
export const MAX_TEXT = 4000;

/** The longest "others involved" text accepted (it is a line on the card, not a note). */
export const MAX_INVOLVED = 1000;

/** The longest "who was informed" text accepted. */
export const MAX_INFORMED = 500;

/** What a DSL team member asks to do to a case (from a card button or the CLI). */
export type CaseCommand =
  | { kind: 'acknowledge' }
  | { kind: 'assign'; to: Actor }
  | { kind: 'note'; text: string }
  /** A referral to an agency; `madeOn` ("YYYY-MM-DD") is the day it was made when not today. */
  | { kind: 'escalate'; agency: Agency; reference: string; madeOn?: string }
  /** An action taken and who was informed; `when` null means now. */
  | { kind: 'action'; what: string; informed: string; when: RecordedWhen | null }
  | { kind: 'request-remediation'; remediation: string }
  | { kind: 'false-positive'; reason: string; suppress: boolean }
  | { kind: 'link'; otherNumber: string }
  | { kind: 'close'; outcomeCategory: OutcomeCategory; outcome: string }
  | { kind: 'reopen'; reason: string }
  /** Triage: a new severity and / or category, with why; `doNotView` makes it a "do not view" case (never undone). */
  | { kind: 'reclassify'; severity: Severity; category: Category; reason: string; doNotView?: boolean }
  /** Triage: the pupils (directory ids, already checked against the directory) and others involved, with why. */
  | { kind: 'people'; subjects: string[]; involved: string; reason: string }
  | { kind: 'possible-breach'; reason: string }
  | { kind: 'breach-decision'; decision: BreachDecisionInput };

/** A change to append to the timeline. */
export interface Decision {
  ok: true;
  action: TimelineAction;
  after: Partial<CaseState>;
  note: string | null;
}

/** Why a command cannot be applied to the case as it stands now, in words for the person who asked. */
export interface Refusal {
  ok: false;
  reason: string;
}

function refuse(reason: string): Refusal {
  return { ok: false, reason };
}

function text(value: string, what: string): string | Refusal {
  const trimmed = value.trim();
  if (!trimmed) return refuse(`Please write ${what}.`);
  if (trimmed.length > MAX_TEXT) return refuse(`That ${what} is ${trimmed.length} characters long; please keep it under ${MAX_TEXT}.`);
  return trimmed;
}

function closedRefusal(state: CaseState): Refusal | undefined {
  return state.status === 'closed' ? refuse('This case is closed. Reopen it first.') : undefined;
}

/**
 * Decides what a command does to a case in its current state: the change to record, or why not. Pure, so
 * a writer that lost a race re-decides against the winner's state and either retries or tells the person.
 */
export function decide(state: CaseState, command: CaseCommand, actor: Actor, now: Date): Decision | Refusal {
  switch (command.kind) {
    case 'acknowledge': {
      if (state.status !== 'new') {
        const who = state.assignee?.name ?? 'Another member of the DSL team';
        return refuse(`${who} has already acknowledged this case.`);
      }
      return { ok: true, action: 'acknowledged', after: { status: 'acknowledged', acknowledgedAt: now, assignee: state.assignee ?? actor }, note: null };
    }
    case 'assign': {
      const closed = closedRefusal(state);
      if (closed) return closed;
      if (state.assignee?.email === command.to.email) return refuse(`This case is already assigned to ${command.to.name}.`);
      const status = state.status === 'new' || state.status === 'acknowledged' ? 'investigating' : state.status;
      return { ok: true, action: 'assigned', after: { assignee: command.to, status, acknowledgedAt: state.acknowledgedAt ?? now }, note: null };
    }
    case 'note': {
      const t = text(command.text, 'a note');
      if (typeof t !== 'string') return t;
      return { ok: true, action: 'note', after: {}, note: t };
    }
    case 'escalate': {
      const closed = closedRefusal(state);
      if (closed) return closed;
      if (!AGENCIES.includes(command.agency)) return refuse('Choose who the case was referred to.');
      const reference = command.reference.trim();
      if (reference.length > 200) return refuse('That reference is too long; please keep it under 200 characters.');
      const madeOn = command.madeOn?.trim() ?? '';
      if (madeOn && (!/^\d{4}-\d{2}-\d{2}$/.test(madeOn) || Number.isNaN(Date.parse(madeOn)))) return refuse('Give the date of the referral as a date, e.g. 2026-03-10.');
      if (madeOn && Date.parse(madeOn) > now.getTime()) return refuse('The date of the referral is in the future.');
      const referral: Referral = { agency: command.agency, reference, at: now, by: actor, ...(madeOn ? { madeOn } : {}) };
      return { ok: true, action: 'escalated', after: { status: 'escalated', referrals: [...state.referrals, referral], acknowledgedAt: state.acknowledgedAt ?? now }, note: null };
    }
    case 'action':
      return actionTaken(state, command, actor, now);
    case 'request-remediation': {
      const closed = closedRefusal(state);
      if (closed) return closed;
      const request = { id: randomUUID(), kind: command.remediation, requestedBy: actor, at: now };
      return { ok: true, action: 'remediation-requested', after: { remediationRequests: [...state.remediationRequests, request] }, note: null };
    }
    case 'false-positive': {
      const closed = closedRefusal(state);
      if (closed) return closed;
      const reason = text(command.reason, 'a reason');
      if (typeof reason !== 'string') return reason;
      return {
        ok: true,
        action: 'false-positive',
        after: { status: 'closed', outcome: 'False positive', falsePositive: { reason, suppressionRequested: command.suppress } },
        note: reason,
      };
    }
    case 'link': {
      if (state.linkedCases.includes(command.otherNumber)) return refuse(`This case is already linked to ${command.otherNumber}.`);
      return { ok: true, action: 'linked', after: { linkedCases: [...state.linkedCases, command.otherNumber] }, note: null };
    }
    case 'close': {
      const closed = closedRefusal(state);
      if (closed) return refuse('This case is already closed.');
      if (!isOutcomeCategory(command.outcomeCategory)) return refuse('Choose the outcome.');
      const outcome = text(command.outcome, command.outcomeCategory === 'other' ? 'what the outcome was' : 'the outcome');
      if (typeof outcome !== 'string') return outcome;
      return { ok: true, action: 'closed', after: { status: 'closed', outcomeCategory: command.outcomeCategory, outcome }, note: null };
    }
    case 'reclassify':
      return reclassify(state, command);
    case 'people':
      return changePeople(state, command);
    case 'reopen': {
      if (state.status !== 'closed') return refuse('This case is open already.');
      const reason = text(command.reason, 'why you are reopening it');
      if (typeof reason !== 'string') return reason;
      return { ok: true, action: 'reopened', after: { status: 'investigating', outcome: null, outcomeCategory: null, falsePositive: null }, note: reason };
    }
    case 'possible-breach': {
      const reason = text(command.reason, 'why this may be a personal-data breach');
      return typeof reason === 'string' ? possibleBreach(state, reason, now) : reason;
    }
    case 'breach-decision':
      return breachDecided(state, command.decision, actor, now);
  }
}

function reclassify(state: CaseState, command: Extract<CaseCommand, { kind: 'reclassify' }>): Decision | Refusal {
  const closed = closedRefusal(state);
  if (closed) return closed;
  if (!SEVERITIES.includes(command.severity)) return refuse('Choose a severity.');
  if (!CATEGORIES.includes(command.category)) return refuse('Choose a category.');
  // A "do not view" case is a child-protection matter: it never drops below high, so it still escalates.
  if (doNotViewSeverity(command.severity, state.doNotView) !== command.severity) return refuse('A "do not view" case stays at high or critical severity.');
  const after: Partial<CaseState> = {};
  const becomesDoNotView = command.doNotView === true && !state.doNotView;
  // Nude or semi-nude images: the case is "do not view" from now on and, like one opened so, at least high.
  const severity = doNotViewSeverity(command.severity, becomesDoNotView);
  if (severity !== state.severity) after.severity = severity;
  if (command.category !== state.category) after.category = command.category;
  if (becomesDoNotView) after.doNotView = true;
  if (Object.keys(after).length === 0) return refuse('The severity and category are already as you chose.');
  const reason = text(command.reason, 'why you are changing it');
  if (typeof reason !== 'string') return reason;
  return { ok: true, action: 'reclassified', after, note: reason };
}

function changePeople(state: CaseState, command: Extract<CaseCommand, { kind: 'people' }>): Decision | Refusal {
  const closed = closedRefusal(state);
  if (closed) return closed;
  const subjects = [...new Set(command.subjects)];
  const involved = command.involved.trim();
  if (involved.length > MAX_INVOLVED) return refuse(`That list of others involved is ${involved.length} characters long; please keep it under ${MAX_INVOLVED}.`);
  if (subjects.length === 0 && !involved) return refuse('Name at least one person involved.');
  const after: Partial<CaseState> = {};
  const sameSubjects = subjects.length === state.subjects.length && subjects.every((id) => state.subjects.includes(id));
  if (!sameSubjects) after.subjects = subjects;
  if (involved !== (state.involved ?? '')) after.involved = involved || null;
  if (Object.keys(after).length === 0) return refuse('The people involved are already as you wrote them.');
  const reason = text(command.reason, 'why you are changing it');
  if (typeof reason !== 'string') return reason;
  return { ok: true, action: 'people-changed', after, note: reason };
}

function actionTaken(state: CaseState, command: Extract<CaseCommand, { kind: 'action' }>, actor: Actor, now: Date): Decision | Refusal {
  const what = text(command.what, 'what was done');
  if (typeof what !== 'string') return what;
  const informed = command.informed.trim();
  if (informed.length > MAX_INFORMED) return refuse(`That list of who was informed is ${informed.length} characters long; please keep it under ${MAX_INFORMED}.`);
  const when = command.when ?? { at: now, timeUnknown: false };
  if (when.at.getTime() > now.getTime() + 5 * 60_000) return refuse('The date of the action is in the future.');
  const action: ActionTaken = { what, informed, at: when.at, timeUnknown: when.timeUnknown, by: actor, recordedAt: now };
  return { ok: true, action: 'action', after: { actionsTaken: [...state.actionsTaken, action] }, note: null };
}
