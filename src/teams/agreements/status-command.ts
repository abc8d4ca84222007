import type { CardActionHandler } from '../card-actions.js';
import { cardMessage, renderCard } from '../cards.js';
import type { CommandContext } from '../commands.js';
import { messageCard } from './render.js';
import { statusCard } from './status-card.js';

async function mayView(ctx: CommandContext): Promise<boolean> {
  const { person, school, isDsl } = ctx.sender;
  if (!person || !school) return false;
  if (isDsl) return true;
  // Policy owners see the figures too.
  return Boolean(person.email && (await ctx.models.agreementVersions.exists({ schoolId: school.id, ownerEmail: person.email })));
}

/** Chat command "agreements status": the compliance card, for the DSL team and policy owners. */
export async function sendAgreementStatus(ctx: CommandContext): Promise<void> {
  const { school } = ctx.sender;
  if (!ctx.sender.person || !school) {
    await ctx.turn.sendActivity(cardMessage(renderCard('not-recognised', { schoolLabel: school?.name ?? 'your school' })));
    return;
  }
  const teacherEmail = ctx.sender.person.email ?? undefined;
  if (!(await mayView(ctx))) {
    // A class teacher with Classroom courses sees their own classes' figures (counts only), nothing else.
    if (teacherEmail && school.classroom?.courses.some((c) => c.teacher === teacherEmail.toLowerCase())) {
      await ctx.turn.sendActivity(cardMessage(await statusCard(ctx.models, school, new Date(), { teacherEmail, classroomOnly: true })));
      return;
    }
    await ctx.turn.sendActivity(cardMessage(messageCard('Agreements', 'The agreement figures are for the DSL team and policy owners.', 'Ask your DSL if you need them.')));
    return;
  }
  await ctx.turn.sendActivity(cardMessage(await statusCard(ctx.models, school, new Date(), teacherEmail ? { teacherEmail } : {})));
}

/** Refreshes the status card. */
const refresh: CardActionHandler = async (ctx) => {
  if (!ctx.sender.school || !(await mayView(ctx))) return messageCard('Agreements', 'The agreement figures are for the DSL team and policy owners.', 'Ask your DSL if you need them.');
  const teacherEmail = ctx.sender.person?.email ?? undefined;
  return statusCard(ctx.models, ctx.sender.school, new Date(), teacherEmail ? { teacherEmail } : {});
};

/** The status card's verbs. */
export const STATUS_ACTIONS = { 'agreement.status': refresh } as const satisfies Record<string, CardActionHandler>;
