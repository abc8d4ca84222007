import { z } from 'zod';
import type { CardActionHandler } from '../../teams/card-actions.js';
import { staleCard } from '../../teams/card-actions.js';
import { cardMessage, renderCard } from '../../teams/cards.js';
import { CARD_TEXT_MAX, userText } from '../../teams/card-text.js';
import type { CommandContext } from '../../teams/commands.js';
import { recordSignature } from '../evidence.js';
import { localTime } from '../state.js';
import type { AgreementVersion } from '../version-model.js';
import { currentVersion } from '../versions.js';
import { clientDetails, loadVersion, resolveSender } from './context.js';
import { deliverToDslTeam } from './deliver.js';
import { messageCard } from './render.js';

/** The policy id of the staff training self-audit in the library. */
export const SELF_AUDIT_POLICY = 'staff-training-self-audit';

const LABELS: Record<string, string> = { yes: 'Yes', unsure: 'Not sure', no: 'No' };

/** Chat command "self audit": the questionnaire card. */
export async function sendSelfAudit(ctx: CommandContext): Promise<void> {
  const { person, school } = ctx.sender;
  if (!person || !school) {
    await ctx.turn.sendActivity(cardMessage(renderCard('not-recognised', { schoolLabel: school?.name ?? 'your school' })));
    return;
  }
  const version = await currentVersion(ctx.models, school.id, SELF_AUDIT_POLICY);
  if (!version?.questions?.length) {
    await ctx.turn.sendActivity(cardMessage(messageCard('Self-audit', 'The online safety self-audit has not been published yet.', 'Ask the DSL to publish it in Lantern.')));
    return;
  }
  await ctx.turn.sendActivity(
    cardMessage(renderCard('agreement-self-audit', { title: version.title, intro: version.body.replace(/^#.*\n+/, ''), versionId: version._id, questions: version.questions.map((text, i) => ({ inputId: `q${i}`, text })) })),
  );
}

/**
 * Stores the answers for the DSL (agreement_audit_answers), records completion in the evidence chain,
 * and sends the answers to each DSL team member who has Lantern in Teams (after answering the invoke).
 */
const submit: CardActionHandler = async (ctx) => {
  const r = resolveSender(ctx, z.object({ versionId: z.string().min(3).max(200) }));
  if (!r.ok) return r.card;
  const version: AgreementVersion | null = await loadVersion(ctx, r.school, r.data.versionId);
  if (!version?.questions?.length) return staleCard('bad-data');
  const questions = version.questions;
  const raw = questions.map((_, i) => ctx.data[`q${i}`]);
  if (raw.some((a) => typeof a !== 'string' || !(a in LABELS))) {
    return messageCard(version.title, 'Please answer every question before sending.', 'Type "self audit" to get the questionnaire again.');
  }
  const comment = typeof ctx.data.comment === 'string' ? ctx.data.comment.trim().slice(0, 1000) : '';
  const answers = questions.map((question, i) => ({ question, answer: LABELS[raw[i] as string] as string }));
  if (comment) answers.push({ question: 'Training wanted', answer: comment });
  const now = new Date();
  const id = `${version._id}:${r.person.personId}`;
  await ctx.models.agreementAuditAnswers.updateOne({ _id: id }, { $set: { schoolId: r.school.id, versionId: version._id, personId: r.person.personId, answers, submittedAt: now } }, { upsert: true });
  await recordSignature(ctx.models, { schoolId: r.school.id, versionId: version._id, signerId: r.person.personId, channel: 'teams', outcome: 'answered', client: clientDetails(ctx) });
  // The comment is the person's own words; the questions are the school's, shown as written.
  const shownAnswers = answers.map((a) => ({ question: a.question, answer: userText(a.answer) }));
  const flagged = raw.filter((a) => a !== 'yes').length;
  const dslCard = renderCard('agreement-self-audit-dsl', {
    personName: userText(r.person.displayName, CARD_TEXT_MAX.short),
    personRole: userText(r.person.jobTitle ?? r.person.role, CARD_TEXT_MAX.short),
    submittedLocal: localTime(now, r.school.timezone),
    flagLine: flagged > 0 ? `${flagged} answer(s) were “No” or “Not sure”.` : 'Every answer was “Yes”.',
    answers: shownAnswers,
  });
  const adapter = ctx.turn.adapter as Parameters<typeof deliverToDslTeam>[0]['adapter'];
  setImmediate(() => void deliverToDslTeam({ adapter, config: ctx.config, models: ctx.models, log: ctx.log }, r.school.id, dslCard));
  ctx.log.info({ versionId: version._id, flagged }, 'self-audit answered');
  return renderCard('agreement-self-audit-done', { title: version.title, firstName: userText(r.person.displayName.split(' ')[0] ?? '', CARD_TEXT_MAX.short), answers: shownAnswers });
};

/** The self-audit card's verbs. */
export const SELF_AUDIT_ACTIONS = { 'agreement.audit': submit } as const satisfies Record<string, CardActionHandler>;
