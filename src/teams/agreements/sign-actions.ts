import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CardActionContext, CardActionHandler } from '../card-actions.js';
import type { AdaptiveCardJson } from '../cards.js';
import type { School } from '../../config/load.js';
import type { Person } from '../../directory/person.js';
import type { AgreementVersion } from '../../agreements/version-model.js';
import { staleCard } from '../stale-card.js';
import { renderCard } from '../cards.js';
import { CARD_TEXT_MAX, userText } from '../card-text.js';
import { calendarOf, type SchoolCalendar } from '../../agreements/academic-year.js';
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

/** A staff sign card pressed: who pressed, the version on it, the time (and the school's calendar) and the card's target; or the card to answer with. */
type SignCardPress =
  | { ok: true; person: Person; school: School; data: z.infer<typeof VersionActionData>; version: AgreementVersion; now: Date; calendar: SchoolCalendar; target: CardTarget }
  | { ok: false; card: AdaptiveCardJson };

/**
 * What "view" and "I agree" both start from. A questionnaire is answered, never signed: its card is the
 * self-audit (so "I agree" on one, an old or forged card, records nothing).
 */
async function pressedSignCard(ctx: CardActionContext): Promise<SignCardPress> {
  const r = resolveSender(ctx, VersionActionData);
  if (!r.ok) return r;
  const version = await loadVersion(ctx, r.school, r.data.versionId);
  if (!version) return { ok: false, card: staleCard('bad-data') };
  const now = nowFor(ctx);
  if (version.kind === 'questionnaire') return { ok: false, card: await selfAuditCard(ctx.models, r.school, version, r.person, now, { campaignId: r.data.campaignId }) };
  const target: CardTarget = { school: r.school, policyLinks: ctx.policyLinks, userId: ctx.turn.activity.from?.id, campaignId: r.data.campaignId, dueAt: null };
  return { ...r, version, now, calendar: calendarOf(r.school), target };
}

/** Shows the card's current state for the person looking at it (also answers Universal Actions refresh). */
const view: CardActionHandler = async (ctx) => {
  const r = await pressedSignCard(ctx);
  if (!r.ok) return r.card;
  const { version, now, calendar } = r;
  const target: CardTarget = { ...r.target, dueAt: await dueFor(ctx, r.data.campaignId, r.person.personId) };
  const signature = await signatureFor(ctx.models, version, r.person.personId, now, calendar);
  if (signature) return signedCard(version, signature, r.person, target);
  const { current, outdated } = await versionStanding(ctx.models, version);
  if (outdated) return outdatedCard(version, current, r.data.campaignId);
  return signCard(version, target);
};

/** "I agree": records the signature (once, however often it is pressed) and shows the signed state. */
const sign: CardActionHandler = async (ctx) => {
  const r = await pressedSignCard(ctx);
  if (!r.ok) return r.card;
  const { version, now, calendar, target } = r;
  const { current, outdated } = await versionStanding(ctx.models, version);
  if (outdated) {
    const already = await signatureFor(ctx.models, current, r.person.personId, now, calendar);
    if (already) return signedCard(current, already, r.person, target);
    return outdatedCard(version, current, r.data.campaignId);
  }
  if (!inAudience(r.person, version.audience as Parameters<typeof inAudience>[1])) {
    return messageCard(version.title, 'This agreement is not one you are asked to sign, so nothing was recorded.', 'If you think you should sign it, ask the person who sent it.');
  }
  const { record, created } = await recordSignature(
    ctx.models,
    { schoolId: r.school.id, versionId: version._id, signerId: r.person.personId, channel: 'teams', client: clientDetails(ctx), campaignId: r.data.campaignId || null },
    calendar,
    () => now,
    version,
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

/**
 * The verbs that may use the directory person the instance found for this Teams user in the last few minutes
 * (ClickCache): viewing and signing one's own agreement grant nothing, so a directory change may take that long
 * to reach them. Every other verb (the DSL case buttons, IT, admin roles) grants access, so it looks the person
 * up on each click.
 */
export const SENDER_CACHED_VERBS: ReadonlySet<string> = new Set(['agreement.view', 'agreement.sign']);

/** The staff sign-off card's verbs. */
export const SIGN_ACTIONS = {
  'agreement.view': view,
  'agreement.sign': sign,
  'agreement.ask': ask,
  'agreement.question': question,
} as const satisfies Record<string, CardActionHandler>;
