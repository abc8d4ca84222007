import type { CardActionContext, CardActionHandler } from '../card-actions.js';
import { badCaseDataCard } from './problem-card.js';
import type { AdaptiveCardJson } from '../cards.js';
import { applyCommand } from '../../cases/act.js';
import { logAccess } from '../../cases/access.js';
import { dslActor, refusedCard, whoOf } from './access.js';
import { AGENCIES, SEVERITIES, type Agency, type Severity } from '../../cases/case-model.js';
import { readCategoryChoice } from '../../cases/do-not-view.js';
import { resolvePupilNames } from '../../cases/pupil-names.js';
import { publishCaseCard, renderChannelCard, type ChannelDeps } from './channel.js';
import { submitConcern } from './concern.js';
import { previewRemediation, approveRemediation } from './remediation-actions.js';
import { findCase, loadCase, type StoredCase } from '../../cases/store.js';
import { isOutcomeCategory } from '../../cases/outcomes.js';
import { readWhen } from '../../cases/when-known.js';
import { suppressFromCase } from './suppress.js';
import type { Actor } from '../../cases/timeline-model.js';
import type { CaseCommand } from '../../cases/transitions.js';

const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function str(data: Readonly<Record<string, unknown>>, key: string): string {
  const value = data[key];
  return typeof value === 'string' ? value : '';
}

/** The breach decision form's answer (on the case card and the DPO's breach card) as a command, or what is missing. */
export function breachDecisionCommand(d: Readonly<Record<string, unknown>>): CaseCommand | string {
  const answer = str(d, 'breachReported');
  if (answer === 'reported') return { kind: 'breach-decision', decision: { reported: true, icoReference: str(d, 'breachIcoRef'), reportedOn: str(d, 'breachReportedOn') } };
  if (answer === 'not-reported') return { kind: 'breach-decision', decision: { reported: false, reason: str(d, 'breachNotReportedReason') } };
  return 'Choose whether it was reported to the ICO.';
}

/** Everything a case verb needs, once the sender has been checked. */
export interface CaseVerbContext {
  ctx: CardActionContext;
  actor: Actor;
  caseId: string;
  /** The case document as read when the click was checked (load the timeline with loadCase(…, doc)). */
  doc: StoredCase;
  deps: ChannelDeps;
}

/** Builds the channel deps from a card action's context. */
export function channelDeps(ctx: CardActionContext): ChannelDeps {
  return { stores: ctx.models, config: ctx.config, sender: ctx.proactive, log: ctx.log, clock: () => new Date(), clicks: ctx.clicks };
}

/**
 * Runs `body` only for a member of the school's DSL team, on a case of their school. Anyone else gets the
 * polite refusal card, and every attempt, allowed or not, goes into the case access log.
 */
async function guarded(ctx: CardActionContext, kind: 'view' | 'act', body: (v: CaseVerbContext) => Promise<AdaptiveCardJson>): Promise<AdaptiveCardJson> {
  const now = new Date();
  const rawId = str(ctx.data, 'caseId');
  const caseId = CASE_ID.test(rawId) ? rawId : null;
  const who = whoOf(ctx.sender, ctx.turn.activity.from?.aadObjectId);
  const schoolId = ctx.sender.school?.id ?? null;
  const actor = dslActor(ctx.sender);
  if (!actor) {
    await logAccess(ctx.models, { schoolId, caseId, who, kind: 'refused', what: `${ctx.verb}: not on the DSL team`, at: now });
    ctx.log.warn({ verb: ctx.verb, schoolId }, 'case action refused: sender is not on the DSL team');
    return refusedCard(ctx.sender.school?.name);
  }
  if (!caseId) return badCaseDataCard();
  // The one read of the case document: the verb builds on it rather than reading it again.
  const doc = await findCase(ctx.models, actor.school.id, caseId);
  if (!doc) {
    await logAccess(ctx.models, { schoolId, caseId, who, kind: 'refused', what: `${ctx.verb}: no such case at this school`, at: now });
    return badCaseDataCard();
  }
  await logAccess(ctx.models, { schoolId, caseId, who, kind, what: ctx.verb, at: now });
  return body({ ctx, actor: { email: actor.email, name: actor.name }, caseId, doc, deps: channelDeps(ctx) });
}

/** A verb that turns the button's data into a case command, applies it and refreshes the card for everyone. */
function commandVerb(toCommand: (data: Readonly<Record<string, unknown>>, v: CaseVerbContext) => CaseCommand | string | Promise<CaseCommand | string>): CardActionHandler {
  return (ctx) =>
    guarded(ctx, 'act', async (v) => {
      const school = ctx.sender.school;
      if (!school) return badCaseDataCard();
      const command = await toCommand(ctx.data, v);
      const result = typeof command === 'string' ? undefined : await applyCommand(ctx.models, school.id, v.caseId, v.actor, command, v.deps.clock, v.doc);
      if (result?.ok) {
        // Everyone in the channel sees the new card (the same one the actor gets back in this invoke's answer).
        // Their copy is replaced after the answer, so a slow Teams call never holds the actor's click; an
        // update that fails marks the case pending and the flush job tries again.
        const card = await renderChannelCard(ctx.models, school, result.loaded, v.deps.clock(), undefined, ctx.clicks);
        void publishCaseCard(v.deps, school, v.caseId, { loaded: result.loaded, card }).catch((err: unknown) => ctx.log.warn({ err }, 'could not update the DSL channel card'));
        return card;
      }
      const loaded = result?.loaded ?? (await loadCase(ctx.models, school.id, v.caseId, v.doc));
      if (!loaded) return badCaseDataCard();
      const notice = typeof command === 'string' ? command : result && !result.ok ? result.reason : undefined;
      return renderChannelCard(ctx.models, school, loaded, v.deps.clock(), notice, ctx.clicks);
    });
}

async function memberByEmail(v: CaseVerbContext, email: string): Promise<Actor | string> {
  const school = v.ctx.sender.school;
  if (!school?.dsl.members.some((m) => m.email === email)) return 'Choose a member of the DSL team.';
  const person = await v.ctx.models.people.findOne({ schoolId: school.id, email }).lean();
  return { email, name: person?.displayName ?? email };
}

/** The DSL case verbs (`case.*`), spread into CARD_ACTIONS. */
export const CASE_CARD_ACTIONS: Readonly<Record<string, CardActionHandler>> = {
  'case.view': (ctx) =>
    guarded(ctx, 'view', async (v) => {
      const school = ctx.sender.school;
      const loaded = school ? await loadCase(ctx.models, school.id, v.caseId, v.doc) : undefined;
      return school && loaded ? renderChannelCard(ctx.models, school, loaded, v.deps.clock(), undefined, ctx.clicks) : badCaseDataCard();
    }),
  'case.acknowledge': commandVerb(() => ({ kind: 'acknowledge' })),
  'case.assign-me': commandVerb((_d, v) => ({ kind: 'assign', to: v.actor })),
  'case.assign': commandVerb(async (d, v) => {
    const to = await memberByEmail(v, str(d, 'assignTo').trim().toLowerCase());
    return typeof to === 'string' ? to : { kind: 'assign', to };
  }),
  'case.note': commandVerb((d) => ({ kind: 'note', text: str(d, 'noteText') })),
  'case.escalate': commandVerb((d) => {
    const agency = str(d, 'agency');
    if (!AGENCIES.includes(agency as Agency)) return 'Choose who the case was referred to.';
    return { kind: 'escalate', agency: agency as Agency, reference: str(d, 'reference'), madeOn: str(d, 'referralDate') };
  }),
  'case.action': commandVerb((d, v) => {
    const date = str(d, 'actionDate');
    const when = date ? readWhen(date, str(d, 'actionTime'), v.ctx.sender.school?.timezone ?? 'Europe/London') : null;
    if (when === undefined) return 'Give the date of the action as a date.';
    return { kind: 'action', what: str(d, 'actionWhat'), informed: str(d, 'actionInformed'), when };
  }),
  'case.false-positive': commandVerb((d) => ({ kind: 'false-positive', reason: str(d, 'reason'), suppress: str(d, 'suppress') === 'true' })),
  'case.link': commandVerb((d) => {
    const other = str(d, 'otherNumber').trim().toUpperCase();
    return /^[A-Z]{2,6}-\d{4}-\d{4,}$/.test(other) ? { kind: 'link', otherNumber: other } : 'Type the other case number, e.g. NGP-2026-0041.';
  }),
  'case.close': commandVerb((d) => {
    const outcomeCategory = str(d, 'outcomeCategory');
    return isOutcomeCategory(outcomeCategory) ? { kind: 'close', outcomeCategory, outcome: str(d, 'outcome') } : 'Choose the outcome.';
  }),
  'case.reopen': commandVerb((d) => ({ kind: 'reopen', reason: str(d, 'reopenReason') })),
  'case.reclassify': commandVerb((d) => {
    const severity = str(d, 'triageSeverity');
    const choice = readCategoryChoice(str(d, 'triageCategory'));
    if (!SEVERITIES.includes(severity as Severity) || !choice) return 'Choose a severity and a category.';
    return { kind: 'reclassify', severity: severity as Severity, category: choice.category, reason: str(d, 'triageReason'), doNotView: choice.doNotView };
  }),
  'case.people': commandVerb(async (d, v) => {
    const schoolId = v.ctx.sender.school?.id;
    if (!schoolId) return 'Lantern cannot find your school.';
    const subjects = await resolvePupilNames(v.ctx.models.people, schoolId, str(d, 'peoplePupils'));
    return typeof subjects === 'string' ? subjects : { kind: 'people', subjects, involved: str(d, 'peopleOthers'), reason: str(d, 'peopleReason') };
  }),
  'case.breach': commandVerb((d) => ({ kind: 'possible-breach', reason: str(d, 'breachReason') })),
  'case.breach-decision': commandVerb((d) => breachDecisionCommand(d)),
  'case.remediate': (ctx) => guarded(ctx, 'act', (v) => previewRemediation(v)),
  'case.remediate.approve': (ctx) => guarded(ctx, 'act', (v) => approveRemediation(v)),
  'case.suppress': (ctx) => guarded(ctx, 'act', (v) => suppressFromCase(v)),
  'case.concern.submit': (ctx) => submitConcern(ctx),
};
