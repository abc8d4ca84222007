import type { BreachDecision, CaseState } from './state.js';
import type { Actor } from './timeline-model.js';
import type { Decision, Refusal } from './transitions.js';

/** UK GDPR Art. 33: a personal-data breach is reported to the ICO within 72 hours of the school becoming aware of it. */
export const DPO_CLOCK_MS = 72 * 3_600_000;

/** What the DSL team or the DPO records as the decision: reported (ICO reference, date) or not reported (why). */
export type BreachDecisionInput = { reported: true; icoReference: string; reportedOn: string } | { reported: false; reason: string };

/** When the 72-hour clock of a case started (its deadline less 72 hours). */
export function breachClockStart(deadline: Date | string): Date {
  return new Date(new Date(deadline).getTime() - DPO_CLOCK_MS);
}

/** "Possible personal-data breach" from the DSL team: starts the 72-hour clock, unless it runs already. */
export function possibleBreach(state: CaseState, reason: string, now: Date): Decision | Refusal {
  if (state.dpoDeadline) return { ok: false, reason: 'The 72-hour personal-data breach clock is already running for this case.' };
  return { ok: true, action: 'breach-flagged', after: { dpoDeadline: new Date(now.getTime() + DPO_CLOCK_MS), breachHow: 'manual' }, note: reason };
}

/** Records the decision on a possible breach, once; the case may be open or closed. */
export function breachDecided(state: CaseState, input: BreachDecisionInput, actor: Actor, now: Date): Decision | Refusal {
  if (!state.dpoDeadline) return { ok: false, reason: 'This case is not marked as a possible personal-data breach.' };
  if (state.breachDecision) return { ok: false, reason: 'The decision on this possible breach is already recorded.' };
  let decision: BreachDecision;
  if (input.reported) {
    const icoReference = input.icoReference.trim();
    if (!icoReference || icoReference.length > 100) return { ok: false, reason: 'Give the reference the ICO gave the report (under 100 characters).' };
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.reportedOn) || Number.isNaN(Date.parse(input.reportedOn))) return { ok: false, reason: 'Give the date it was reported to the ICO, e.g. 2026-05-04.' };
    if (Date.parse(`${input.reportedOn}T00:00:00Z`) > now.getTime()) return { ok: false, reason: 'The date it was reported to the ICO cannot be in the future.' };
    decision = { reported: true, icoReference, reportedOn: input.reportedOn, by: actor, at: now };
  } else {
    const reason = input.reason.trim();
    if (!reason) return { ok: false, reason: 'Say why the breach is not being reported to the ICO.' };
    if (reason.length > 2000) return { ok: false, reason: 'Please keep the reason under 2000 characters.' };
    decision = { reported: false, reason, by: actor, at: now };
  }
  const note = decision.reported ? `Reported to the ICO on ${decision.reportedOn}, reference ${decision.icoReference}.` : `Not reported to the ICO, because ${decision.reason}`;
  return { ok: true, action: 'breach-decided', after: { breachDecision: decision }, note };
}

/** The decision in words, for the card, the dashboard and the register: "not reported, because …" when not. */
export function breachDecisionWords(decision: BreachDecision | null): string {
  if (!decision) return 'Not decided yet';
  return decision.reported ? `Reported to the ICO on ${decision.reportedOn} (reference ${decision.icoReference})` : `Not reported, because ${decision.reason}`;
}
