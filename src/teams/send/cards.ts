import type { Activity, ConversationReference } from '@microsoft/agents-activity';
import type { Person } from '../../directory/person.js';
import { cardMessage } from '../cards.js';
import type { AgreementCampaign, AgreementSend } from '../../agreements/campaign-model.js';
import { statusCard } from '../agreements/status-card.js';
import type { RunCache, SendQueueDeps } from './queue.js';
import { calendarOf } from '../../agreements/academic-year.js';
import { signedPersonIds } from '../../agreements/compliance.js';
import { classCard, classStanding, classVersionFor, pupilsOf } from '../agreements/class-agreement.js';
import { reminderLine, signCardFrom } from '../agreements/render.js';
import { selfAuditCard } from '../agreements/self-audit.js';
import { inAudience, type Audience } from '../../agreements/audience.js';
import { localDate } from '../../agreements/state.js';
import type { AgreementVersion } from '../../agreements/version-model.js';

/** What to do with one queued send. */
export type BuiltSend =
  | { kind: 'send'; reference: ConversationReference; activity: Partial<Activity> }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'skip'; reason: string };

/** The text reports use for someone Lantern cannot message. */
export const NOT_REACHABLE = 'not reachable — Lantern not installed for them';

/** One load per id, however many lanes ask at once; a failed load is forgotten so the next ask tries again. */
function cached<T>(map: Map<string, Promise<T>>, id: string, load: () => PromiseLike<T>): Promise<T> {
  const known = map.get(id);
  if (known) return known;
  // A real promise, settled once: a mongoose query would run again for every await.
  const loading = (async () => await load())();
  map.set(id, loading);
  loading.catch(() => {
    if (map.get(id) === loading) map.delete(id);
  });
  return loading;
}

/**
 * Builds the card a queued send delivers: the sign card for the first card and reminders (a reminder says
 * which one it is and the person's own sign-by date; skipped once signed), the questionnaire for a
 * questionnaire, the class list for a teacher's class prompt (skipped once the whole form has agreed), and the
 * campaign's figures for the escalation (round -1).
 */
export async function cardForSend(
  deps: Pick<SendQueueDeps, 'models' | 'config' | 'clock' | 'policyLinks'>,
  cache: RunCache,
  item: AgreementSend,
  person: Person | null,
  references: Map<string, ConversationReference>,
): Promise<BuiltSend> {
  const campaign = await cached(cache.campaigns, item.campaignId, () => deps.models.agreementCampaigns.findById(item.campaignId).lean<AgreementCampaign>());
  if (!campaign || campaign.status !== 'open') return { kind: 'skip', reason: 'campaign closed' };
  const version = await cached(cache.versions, campaign.versionId, () => deps.models.agreementVersions.findById(campaign.versionId).lean<AgreementVersion>());
  const school = deps.config.schools.find((s) => s.id === item.schoolId);
  if (!version || !school) return { kind: 'skip', reason: 'version or school no longer exists' };
  if (!person || !person.active) return { kind: 'skip', reason: 'no longer in the directory' };
  const reference = person.aadObjectId ? references.get(person.aadObjectId) : undefined;
  const now = deps.clock();
  const of = campaign.reminderDays?.length ?? 0;
  const dueLabel = localDate(new Date(item.signBy ?? campaign.dueAt), school.timezone);
  if (item.form) {
    const pupils = (await pupilsOf(deps.models, school.id, item.form)).filter((p) => inAudience(p, campaign.audience as Audience));
    const classVersion = pupils.length > 0 ? await classVersionFor(deps.models, school, pupils) : null;
    if (!classVersion || classVersion.policyId !== version.policyId) return { kind: 'skip', reason: 'no pupils of this form to record' };
    const { agreed } = await classStanding(deps.models, school, classVersion, pupils, now);
    if (pupils.every((p) => agreed.has(p.personId))) return { kind: 'skip', reason: 'the class agreement is recorded' };
    if (!reference) return { kind: 'unreachable', reason: NOT_REACHABLE };
    const promptLine =
      item.round > 0
        ? `Reminder ${item.round} of ${of}: ${pupils.length - agreed.size} pupil(s) in ${item.form} still to agree. Please record your class's agreement by ${dueLabel}.`
        : `Please read the class rules with ${item.form} and record their agreement here by ${dueLabel}.`;
    const card = await classCard(deps.models, school, item.form, now, { promptLine, reminder: item.round > 0 });
    return { kind: 'send', reference, activity: cardMessage(card) };
  }
  if (item.round >= 0) {
    const signed = await cached(cache.signed, version._id, () => signedPersonIds(deps.models, version, now, calendarOf(school)));
    if (signed.has(person.personId)) return { kind: 'skip', reason: 'already signed' };
  }
  if (!reference) return { kind: 'unreachable', reason: NOT_REACHABLE };
  if (item.round < 0) {
    const card = await statusCard(deps.models, school, now, { campaignIds: [campaign._id], escalation: true });
    return { kind: 'send', reference, activity: cardMessage(card) };
  }
  const reminder = item.round > 0 ? { n: item.round, of } : undefined;
  if (version.kind === 'questionnaire') {
    const promptLine = reminder ? reminderLine(reminder, dueLabel, 'answer it') : `Please answer by ${dueLabel}.`;
    const card = await selfAuditCard(deps.models, school, version, person, now, { campaignId: campaign._id, promptLine, reminder: Boolean(reminder) });
    return { kind: 'send', reference, activity: cardMessage(card) };
  }
  const card = signCardFrom(cache.signCards, version, { school, policyLinks: deps.policyLinks, userId: reference.user?.id, campaignId: campaign._id, dueAt: item.signBy ?? campaign.dueAt, reminder });
  return { kind: 'send', reference, activity: cardMessage(card) };
}
