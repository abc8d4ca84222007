import type { School } from '../../config/load.js';
import { applyCommand } from '../../cases/act.js';
import { logAccess } from '../../cases/access.js';
import { breachClockStart, breachDecisionWords } from '../../cases/breach.js';
import { withoutLinks } from '../../cases/do-not-view.js';
import { CATEGORY_LABEL, formatWhen } from '../../cases/labels.js';
import type { CaseState } from '../../cases/state.js';
import { loadCase } from '../../cases/store.js';
import type { Actor } from '../../cases/timeline-model.js';
import type { CardActionContext, CardActionHandler } from '../card-actions.js';
import { CARD_TEXT_MAX, userPlain, userText } from '../card-text.js';
import { cardMessage, renderCard, type AdaptiveCardJson } from '../cards.js';
import type { CommandContext } from '../commands.js';
import type { Sender } from '../identify.js';
import { breachDecisionCommand } from './card-actions.js';
import { dslActor, whoOf } from './access.js';
import { badCaseDataCard } from './problem-card.js';

/**
 * The data protection officer (schools[].dpo) records the decision on a possible personal-data breach from
 * Teams: `breaches` in their chat with Lantern sends a card per undecided breach, and the card records the
 * decision. They are recognised by their Entra object id (dpo.aadObjectId) or, failing that, by the directory
 * person with the DPO's email. The card shows only what the decision needs: never what happened or the timeline.
 */

const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The schools (of the sender's tenant) whose DPO sent the activity, with the DPO as an actor. */
export function dpoOf(sender: Sender, aadObjectId: string | undefined): { school: School; actor: Actor }[] {
  const id = aadObjectId?.toLowerCase();
  const email = sender.person?.email?.toLowerCase();
  return sender.schools.flatMap((school) => {
    const dpo = school.dpo;
    if (!dpo) return [];
    const byId = Boolean(id && dpo.aadObjectId?.toLowerCase() === id);
    const byEmail = Boolean(email && dpo.email.toLowerCase() === email);
    return byId || byEmail ? [{ school, actor: { email: dpo.email, name: dpo.name } }] : [];
  });
}

/** Who may decide on a school's breaches from Teams: its DPO, or a member of its DSL team. */
function decider(ctx: CardActionContext | CommandContext, school: School | undefined): Actor | undefined {
  const aad = ctx.turn.activity.from?.aadObjectId;
  const dpo = dpoOf(ctx.sender, aad).find((d) => !school || d.school.id === school.id);
  if (dpo) return dpo.actor;
  const dsl = dslActor(ctx.sender);
  return dsl && (!school || dsl.school.id === school.id) ? { email: dsl.email, name: dsl.name } : undefined;
}

function refused(): AdaptiveCardJson {
  return renderCard('case-refused', {
    title: 'Breach decisions are for the data protection officer',
    message: 'Only the school\'s data protection officer, or its safeguarding (DSL) team, can see and decide on possible personal-data breaches. Your attempt has been recorded.',
    next: 'If you think personal data was shared by mistake, tell the DSL team or the school office.',
  });
}

/** The DPO's card for one breach: number, category, the clock and the decision, nothing about what happened. */
function breachCard(school: School, caseId: string, number: string, state: CaseState, notice?: string): AdaptiveCardJson {
  const tz = school.timezone;
  const deadline = state.dpoDeadline as Date;
  return renderCard('breach-dpo', {
    caseId,
    number,
    schoolName: userPlain(school.name, CARD_TEXT_MAX.short),
    categoryText: CATEGORY_LABEL[state.category],
    clockStartText: formatWhen(breachClockStart(deadline), tz),
    howText: state.breachHow === 'manual' ? 'Marked by the DSL team' : 'Spotted by Lantern monitoring',
    deadlineText: formatWhen(deadline, tz),
    hasNotice: Boolean(notice),
    notice: userText(notice ?? '', CARD_TEXT_MAX.line),
    decisionText: userText(withoutLinks(breachDecisionWords(state.breachDecision), state.doNotView), CARD_TEXT_MAX.long),
    canDecide: !state.breachDecision,
  });
}

/** `breaches`: a card for each possible breach awaiting a decision at the DPO's schools (or the DSL member's school). */
export async function sendBreachCards(ctx: CommandContext): Promise<void> {
  const aad = ctx.turn.activity.from?.aadObjectId;
  const dsl = dslActor(ctx.sender);
  const schools = [...dpoOf(ctx.sender, aad).map((d) => d.school), ...(dsl ? [dsl.school] : [])];
  const who = whoOf(ctx.sender, aad);
  const now = ctx.clock?.() ?? new Date();
  if (schools.length === 0) {
    await logAccess(ctx.models, { schoolId: ctx.sender.school?.id ?? null, caseId: null, who, kind: 'refused', what: 'breaches: not the DPO or on the DSL team', at: now });
    await ctx.turn.sendActivity(cardMessage(refused()));
    return;
  }
  let sent = 0;
  for (const school of new Map(schools.map((s) => [s.id, s])).values()) {
    const open = await ctx.models.cases.find({ schoolId: school.id, dpoDeadline: { $ne: null }, breachDecision: null }).sort({ dpoDeadline: 1 }).select({ caseId: 1, number: 1 }).lean<{ caseId: string; number: string }[]>();
    for (const row of open) {
      const loaded = await loadCase(ctx.models, school.id, row.caseId);
      if (!loaded) continue;
      await logAccess(ctx.models, { schoolId: school.id, caseId: row.caseId, who, kind: 'view', what: 'breaches: the DPO breach card', at: now });
      await ctx.turn.sendActivity(cardMessage(breachCard(school, row.caseId, row.number, loaded.state)));
      sent += 1;
    }
  }
  if (sent === 0) await ctx.turn.sendActivity('No possible personal-data breach is waiting for a decision.');
}

/** The breach card's "Record decision": the DPO or the DSL team only, on a case with a breach clock. */
async function decide(ctx: CardActionContext): Promise<AdaptiveCardJson> {
  const now = new Date();
  const aad = ctx.turn.activity.from?.aadObjectId;
  const who = whoOf(ctx.sender, aad);
  const rawId = typeof ctx.data.caseId === 'string' ? ctx.data.caseId : '';
  const caseId = CASE_ID.test(rawId) ? rawId : null;
  const doc = caseId ? await ctx.models.cases.findOne({ caseId, schoolId: { $in: ctx.sender.schools.map((s) => s.id) } }).select({ schoolId: 1, number: 1, dpoDeadline: 1 }).lean<{ schoolId: string; number: string; dpoDeadline: Date | null }>() : null;
  const school = doc ? ctx.sender.schools.find((s) => s.id === doc.schoolId) : undefined;
  const actor = decider(ctx, school);
  if (!actor || !doc?.dpoDeadline) {
    await logAccess(ctx.models, { schoolId: school?.id ?? ctx.sender.school?.id ?? null, caseId, who, kind: 'refused', what: `${ctx.verb}: ${actor ? 'no breach on this case' : 'not the DPO or on the DSL team'}`, at: now });
    return actor ? badCaseDataCard() : refused();
  }
  if (!school || !caseId) return badCaseDataCard();
  await logAccess(ctx.models, { schoolId: school.id, caseId, who: actor.email, kind: 'act', what: ctx.verb, at: now });
  const command = breachDecisionCommand(ctx.data);
  const result = typeof command === 'string' ? undefined : await applyCommand(ctx.models, school.id, caseId, actor, command, () => new Date());
  const loaded = result?.loaded ?? (await loadCase(ctx.models, school.id, caseId));
  if (!loaded) return badCaseDataCard();
  const notice = typeof command === 'string' ? command : result && !result.ok ? result.reason : undefined;
  return breachCard(school, caseId, doc.number, loaded.state, notice);
}

/** The DPO's breach card verbs, spread into CARD_ACTIONS. */
export const DPO_CARD_ACTIONS: Readonly<Record<string, CardActionHandler>> = {
  'breach.decide': decide,
};
