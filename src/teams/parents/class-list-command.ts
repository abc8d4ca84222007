import { logAccess } from '../../cases/access.js';
import type { School } from '../../config/load.js';
import { localTime } from '../../agreements/state.js';
import { classesFor, schoolForms, whoMayNotAppear, type ClassList } from '../../parents/class-list.js';
import { messageCard } from '../agreements/render.js';
import type { CardActionHandler } from '../card-actions.js';
import { CARD_TEXT_MAX, userText } from '../card-text.js';
import { cardMessage, renderCard, type AdaptiveCardJson } from '../cards.js';
import type { CommandContext } from '../commands.js';
import type { Sender } from '../identify.js';

const REFUSED = messageCard('Who may not appear', 'This list is for the class teacher, the DSL team and the school office.', 'If you teach a class, ask the office to check that the directory names you as its teacher.');

/** What the access log names the asker by: their email, else their Teams id. */
function whoOf(ctx: CommandContext): string {
  return ctx.sender.person?.email ?? `aad:${ctx.turn.activity.from?.aadObjectId ?? 'unknown'}`;
}

function classCard(lists: readonly ClassList[], school: School, now: Date): AdaptiveCardJson {
  return renderCard('consent-class-list', {
    schoolName: userText(school.name, CARD_TEXT_MAX.short),
    asOfLocal: localTime(now, school.timezone),
    classes: lists.map((l) => ({
      form: userText(l.form, CARD_TEXT_MAX.short),
      summary: l.rows.length === 0 ? `every parent of the ${l.pupils} pupils said yes` : `${l.rows.length} of ${l.pupils} pupils`,
      rows: l.rows.map((r) => ({
        name: userText(r.name, CARD_TEXT_MAX.short),
        uses: userText(r.notAllowed.map((n) => `${n.label} (${n.reason})`).join('; '), CARD_TEXT_MAX.line),
      })),
    })),
  });
}

/**
 * The list for each class the sender may see (their own as class teacher; every class for the DSL team and the
 * office), or the refusal card. Every request, allowed or refused, goes into the access log.
 */
async function classListFor(ctx: CommandContext): Promise<AdaptiveCardJson> {
  const { school, person } = ctx.sender;
  const now = (ctx.clock ?? (() => new Date()))();
  const forms = school && person ? classesFor(school, { person, isDsl: ctx.sender.isDsl }, await schoolForms(ctx.models, school.id)) : [];
  if (!school || forms.length === 0) {
    await logAccess(ctx.models, { schoolId: school?.id ?? null, caseId: null, who: whoOf(ctx), kind: 'refused', what: 'consents: who may not appear (not a class teacher, DSL or office)', at: now });
    return REFUSED;
  }
  const lists = await Promise.all(forms.map((form) => whoMayNotAppear(ctx.models, school, form, now)));
  await logAccess(ctx.models, { schoolId: school.id, caseId: null, who: whoOf(ctx), kind: 'view', what: `consents: who may not appear (${forms.join(', ')})`, at: now });
  return classCard(lists, school, now);
}

/** True when the sender is recognised at a school (the not-recognised card is shown otherwise). */
function recognised(sender: Sender): boolean {
  return Boolean(sender.person && sender.school);
}

/** Chat command "who may not appear": the class teacher's list of pupils who may not appear in each use. */
export async function sendClassList(ctx: CommandContext): Promise<void> {
  if (!recognised(ctx.sender)) {
    await ctx.turn.sendActivity(cardMessage(renderCard('not-recognised', { schoolLabel: ctx.sender.school?.name ?? 'your school' })));
    return;
  }
  await ctx.turn.sendActivity(cardMessage(await classListFor(ctx)));
}

/** The class list card's verbs: its refresh button. */
export const CONSENT_CARD_ACTIONS = {
  'consent.classList': async (ctx) => (recognised(ctx.sender) ? classListFor(ctx) : REFUSED),
} as const satisfies Record<string, CardActionHandler>;
