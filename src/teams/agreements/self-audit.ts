import { z } from 'zod';
import type { School } from '../../config/load.js';
import type { Models } from '../../stores.js';
import type { Person } from '../../directory/person.js';
import { isDuplicateKey } from '../../db/errors.js';
import type { CardActionHandler } from '../card-actions.js';
import { staleCard } from '../stale-card.js';
import type { AdaptiveCardJson } from '../cards.js';
import { cardMessage, renderCard } from '../cards.js';
import { CARD_TEXT_MAX, userText } from '../card-text.js';
import type { CommandContext } from '../commands.js';
import { academicYearIn, calendarOf } from '../../agreements/academic-year.js';
import { recordSignature } from '../../agreements/evidence.js';
import { latestSignatureFor, localTime } from '../../agreements/state.js';
import type { AgreementVersion } from '../../agreements/version-model.js';
import { currentVersion } from '../../agreements/versions.js';
import { clientDetails, loadVersion, nowFor, resolveSender } from './context.js';
import { deliverToDslTeam } from './deliver.js';
import { messageCard } from './render.js';

/** The policy id of the staff training self-audit in the library. */
export const SELF_AUDIT_POLICY = 'staff-training-self-audit';

const LABELS: Record<string, string> = { yes: 'Yes', unsure: 'Not sure', no: 'No' };

/** The id of a person's answers to a questionnaire version in an academic year. */
export function auditAnswerId(versionId: string, personId: string, period: string): string {
  return `${versionId}:${personId}:${period}`;
}

type StoredAnswers = { answers: { question: string; answer: string }[] };

/**
 * The questionnaire card for a person — or, when they have already answered it this academic year, the card
 * showing their answers. Every path that shows the self-audit comes here: the chat command, a campaign's card
 * and its reminders, and "I agree" pressed on a questionnaire.
 */
export async function selfAuditCard(
  models: Models,
  school: School,
  version: AgreementVersion,
  person: Person,
  now: Date,
  options: { campaignId?: string | undefined; promptLine?: string | undefined; reminder?: boolean } = {},
): Promise<AdaptiveCardJson> {
  const stored = await models.agreementAuditAnswers.findById(auditAnswerId(version._id, person.personId, academicYearIn(now, calendarOf(school)))).lean<StoredAnswers>();
  if (stored) return renderCard('agreement-self-audit-done', { title: version.title, firstName: person.displayName.split(' ')[0] ?? '', answers: stored.answers });
  return renderCard('agreement-self-audit', {
    title: version.title,
    hasPrompt: Boolean(options.promptLine),
    promptLine: options.promptLine ?? '',
    promptColour: options.reminder ? 'Attention' : 'Default',
    intro: version.body.replace(/^#.*\n+/, ''),
    versionId: version._id,
    campaignId: options.campaignId ?? '',
    questions: (version.questions ?? []).map((text, i) => ({ inputId: `q${i}`, text })),
  });
}

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
  await ctx.turn.sendActivity(cardMessage(await selfAuditCard(ctx.models, school, version, person, nowFor(ctx))));
}

/**
 * Stores the answers for the DSL (agreement_audit_answers, once per academic year: answering again the same
 * year shows the answers already given), records completion in the evidence chain, and sends the answers to
 * each DSL team member who has Lantern in Teams (after answering the invoke).
 */
const submit: CardActionHandler = async (ctx) => {
  const r = resolveSender(ctx, z.object({ versionId: z.string().min(3).max(200), campaignId: z.string().max(200).optional() }));
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
  const now = nowFor(ctx);
  const calendar = calendarOf(r.school);
  const period = academicYearIn(now, calendar);
  const id = auditAnswerId(version._id, r.person.personId, period);
  try {
    await ctx.models.agreementAuditAnswers.create({ _id: id, schoolId: r.school.id, versionId: version._id, personId: r.person.personId, period, answers, submittedAt: now });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // Already answered this academic year (a second press, or a second card): the first answers stand.
    return selfAuditCard(ctx.models, r.school, version, r.person, now);
  }
  // An earlier record that did not answer (an "I agree" pressed on the questionnaire before it was refused) is followed, not reused.
  const latest = await latestSignatureFor(ctx.models, version, r.person.personId, now, calendar);
  await recordSignature(
    ctx.models,
    { schoolId: r.school.id, versionId: version._id, signerId: r.person.personId, channel: 'teams', outcome: 'answered', client: clientDetails(ctx), campaignId: r.data.campaignId || null, ...(latest && latest.outcome !== 'answered' ? { after: latest } : {}) },
    calendar,
    () => now,
  );
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
  setImmediate(() => void deliverToDslTeam({ sender: ctx.proactive, config: ctx.config, models: ctx.models, log: ctx.log }, r.school.id, dslCard));
  ctx.log.info({ versionId: version._id, flagged }, 'self-audit answered');
  return renderCard('agreement-self-audit-done', { title: version.title, firstName: userText(r.person.displayName.split(' ')[0] ?? '', CARD_TEXT_MAX.short), answers: shownAnswers });
};

/** The self-audit card's verbs. */
export const SELF_AUDIT_ACTIONS = { 'agreement.audit': submit } as const satisfies Record<string, CardActionHandler>;
