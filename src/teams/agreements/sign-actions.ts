import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CardActionContext, CardActionHandler } from '../card-actions.js';
import { staleCard } from '../stale-card.js';
import { renderCard } from '../cards.js';
import { CARD_TEXT_MAX, userText } from '../card-text.js';
import { calendarOf } from '../../agreements/academic-year.js';
import { inAudience } from '../../agreements/audience.js';
import { sendId } from '../../agreements/campaigns.js';
import { recordSignature } from '../../agreements/evidence.js';
import { signatureFor, versionStanding } from '../../agreements/state.js';
import { clientDetails, loadVersion, nowFor, resolveSender, VersionActionData } from './context.js';
import { deliverQuestion } from './deliver.js';
import { messageCard, outdatedCard, signCard, signedCard, type CardTarget } from './render.js';
import { selfAuditCard } from './self-audit.js';

/** The person's own sign-by date in the campaign (a late joiner's is later than the campaign's). */
async function dueFor(ctx: CardActionContext, campaignId: string | undefined, personId: string): Promise<Date | null> {
  if (!campaignId) return null;
  const [campaign, first] = await Promise.all([
    ctx.models.agreementCampaigns.findById(campaignId).lean(),
    ctx.models.agreementSends.findById(sendId(campaignId, personId, 0)).lean(),
  ]);
  return first?.signBy ?? campaign?.dueAt ?? null;
}

/** Shows the card's current state for the person looking at it (also answers Universal Actions refresh). */
const view: CardActionHandler = async (ctx) => {
  const r = resolveSender(ctx, VersionActionData);
  if (!r.ok) return r.card;
  const version = await loadVersion(ctx, r.school, r.data.versionId);
  if (!version) return staleCard('bad-data');
  const now = nowFor(ctx);
  if (version.kind === 'questionnaire') return selfAuditCard(ctx.models, r.school, version, r.person, now, { campaignId: r.data.campaignId });
  const target: CardTarget = { school: r.school, userId: ctx.turn.activity.from?.id, campaignId: r.data.campaignId, dueAt: await dueFor(ctx, r.data.campaignId, r.person.personId) };
  const signature = await signatureFor(ctx.models, version, r.person.personId, now, calendarOf(r.school));
  if (signature) return signedCard(version, signature, r.person, target);
  const { current, outdated } = await versionStanding(ctx.models, version);
  if (outdated) return outdatedCard(version, current, r.data.campaignId);
  return signCard(version, target);
};

/** "I agree": records the signature (once, however often it is pressed) and shows the signed state. */
const sign: CardActionHandler = async (ctx) => {
  const r = resolveSender(ctx, VersionActionData);
  if (!r.ok) return r.card;
  const version = await loadVersion(ctx, r.school, r.data.versionId);
  if (!version) return staleCard('bad-data');
  const now = nowFor(ctx);
  // A questionnaire is done by answering it: "I agree" on it (an old or forged card) records nothing.
  if (version.kind === 'questionnaire') return selfAuditCard(ctx.models, r.school, version, r.person, now, { campaignId: r.data.campaignId });
  const target: CardTarget = { school: r.school, userId: ctx.turn.activity.from?.id, campaignId: r.data.campaignId, dueAt: null };
  const { current, outdated } = await versionStanding(ctx.models, version);
  if (outdated) {
    const already = await signatureFor(ctx.models, current, r.person.personId, now, calendarOf(r.school));
    if (already) return signedCard(current, already, r.person, target);
    return outdatedCard(version, current, r.data.campaignId);
  }
  if (!inAudience(r.person, version.audience as Parameters<typeof inAudience>[1])) {
    return messageCard(version.title, 'This agreement is not one you are asked to sign, so nothing was recorded.', 'If you think you should sign it, ask the person who sent it.');
  }
  const { record, created } = await recordSignature(
    ctx.models,
    { schoolId: r.school.id, versionId: version._id, signerId: r.person.personId, channel: 'teams', client: clientDetails(ctx), campaignId: r.data.campaignId || null },
    calendarOf(r.school),
    () => now,
  );
  ctx.log.info({ seq: record.seq, created, versionId: version._id }, 'agreement signed');
  return signedCard(version, record, r.person, target);
};

/** "I have a question": asks for the question's text. */
const ask: CardActionHandler = async (ctx) => {
  const r = resolveSender(ctx, VersionActionData);
  if (!r.ok) return r.card;
  const version = await loadVersion(ctx, r.school, r.data.versionId);
  if (!version) return staleCard('bad-data');
  const owner = await ctx.models.people.findOne({ schoolId: r.school.id, email: version.ownerEmail, active: true }).lean();
  return renderCard('agreement-question', { title: version.title, ownerName: userText(owner?.displayName ?? 'the person responsible for this policy', CARD_TEXT_MAX.short), versionId: version._id, campaignId: r.data.campaignId ?? '' });
};

const QuestionData = VersionActionData.extend({ question: z.string().trim().min(1).max(1000) });

/** Records the question and sends it to the policy owner's chat (after answering, so the invoke stays fast). */
const question: CardActionHandler = async (ctx) => {
  const r = resolveSender(ctx, VersionActionData);
  if (!r.ok) return r.card;
  const version = await loadVersion(ctx, r.school, r.data.versionId);
  if (!version) return staleCard('bad-data');
  const parsed = QuestionData.safeParse(ctx.data);
  if (!parsed.success) {
    return renderCard('agreement-question', { title: version.title, ownerName: 'the person responsible for this policy', versionId: version._id, campaignId: r.data.campaignId ?? '' });
  }
  const owner = await ctx.models.people.findOne({ schoolId: r.school.id, email: version.ownerEmail, active: true }).lean();
  const doc = {
    _id: randomUUID(),
    schoolId: r.school.id,
    versionId: version._id,
    personId: r.person.personId,
    ownerEmail: version.ownerEmail,
    text: parsed.data.question,
    askedAt: nowFor(ctx),
    delivered: false,
  };
  await ctx.models.agreementQuestions.create(doc);
  ctx.log.info({ questionId: doc._id, versionId: version._id }, 'agreement question recorded');
  // Delivered after this invoke has been answered; a failure leaves delivered=false for the tick job to retry.
  setImmediate(() => void deliverQuestion({ sender: ctx.proactive, config: ctx.config, models: ctx.models, log: ctx.log }, doc._id));
  const ownerName = owner?.displayName ?? 'The policy owner';
  return renderCard('agreement-question-sent', {
    title: version.title,
    outcome: userText(`${ownerName} will get your question in Teams and reply to you. It has been recorded.`),
    question: userText(parsed.data.question),
    versionId: version._id,
    campaignId: r.data.campaignId ?? '',
  });
};

/** The staff sign-off card's verbs. */
export const SIGN_ACTIONS = {
  'agreement.view': view,
  'agreement.sign': sign,
  'agreement.ask': ask,
  'agreement.question': question,
} as const satisfies Record<string, CardActionHandler>;
