import type { School } from '../../config/load.js';
import { logAccess } from '../../cases/access.js';
import { loadItMatter } from '../../cases/it-matters.js';
import { sendItMatterToDsl } from '../../cases/send-to-dsl.js';
import type { Actor } from '../../cases/timeline-model.js';
import type { CardActionContext, CardActionHandler } from '../card-actions.js';
import { renderCard, type AdaptiveCardJson } from '../cards.js';
import { whoOf } from './access.js';
import { channelDeps } from './card-actions.js';
import { renderItCard } from './it-channel.js';
import { createCaseNotifier } from './notifier.js';

const MATTER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The IT team member behind a sender, or undefined when the sender is not on the school's IT team. */
export function itActor(ctx: CardActionContext): (Actor & { school: School }) | undefined {
  const { person, school } = ctx.sender;
  if (!person?.email || !school?.it?.members.some((m) => m.email === person.email)) return undefined;
  return { email: person.email, name: person.displayName, school };
}

function itRefusedCard(schoolName: string | undefined): AdaptiveCardJson {
  return renderCard('card-error', {
    title: 'This is for the IT team only',
    message: `Only members of ${schoolName ?? 'the school'}'s IT team can open or change IT matters. Your attempt has been recorded.`,
    next: 'If you have a concern about a child, type **report a concern** in your chat with Lantern, or speak to the DSL in person.',
  });
}

function staleCard(): AdaptiveCardJson {
  return renderCard('card-error', {
    title: 'This card is out of date',
    message: 'Lantern cannot find the IT matter this button belongs to. Nothing was changed.',
    next: 'Open the IT view on the dashboard for the latest list.',
  });
}

/** Runs `body` only for a member of the school's IT team on an IT matter of their school; every attempt is logged. */
function itVerb(kind: 'view' | 'act', body: (ctx: CardActionContext, actor: Actor & { school: School }, matterId: string) => Promise<AdaptiveCardJson>): CardActionHandler {
  return async (ctx) => {
    const now = new Date();
    const raw = typeof ctx.data.matterId === 'string' ? ctx.data.matterId : '';
    const who = whoOf(ctx.sender, ctx.turn.activity.from?.aadObjectId);
    const actor = itActor(ctx);
    if (!actor) {
      await logAccess(ctx.models, { schoolId: ctx.sender.school?.id ?? null, caseId: null, who, kind: 'refused', what: `${ctx.verb}: not on the IT team`, at: now });
      return itRefusedCard(ctx.sender.school?.name);
    }
    if (!MATTER_ID.test(raw) || !(await loadItMatter(ctx.models, actor.school.id, raw))) return staleCard();
    await logAccess(ctx.models, { schoolId: actor.school.id, caseId: null, who, kind, what: `${ctx.verb} ${raw}`, at: now });
    return body(ctx, actor, raw);
  };
}

/** The IT queue's card verbs (`it.*`), spread into CARD_ACTIONS. */
export const IT_CARD_ACTIONS: Readonly<Record<string, CardActionHandler>> = {
  'it.view': itVerb('view', async (ctx, actor, matterId) => {
    const matter = await loadItMatter(ctx.models, actor.school.id, matterId);
    return matter ? renderItCard(actor.school, matter) : staleCard();
  }),
  'it.send-to-dsl': itVerb('act', async (ctx, actor, matterId) => {
    const deps = channelDeps(ctx);
    const result = await sendItMatterToDsl({ stores: ctx.models, notifier: createCaseNotifier(deps), log: ctx.log, clock: deps.clock }, actor.school, matterId, { email: actor.email, name: actor.name });
    const matter = await loadItMatter(ctx.models, actor.school.id, matterId);
    if (!matter) return staleCard();
    return renderItCard(actor.school, matter, result.ok ? (result.already ? `Already sent to the DSL as ${result.number}.` : undefined) : result.reason);
  }),
};
