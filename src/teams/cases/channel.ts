import { everSubjects } from '../../cases/case-view.js';
import type { Activity } from '@microsoft/agents-activity';
import type { LanternConfig, School } from '../../config/load.js';
import type { Person } from '../../directory/person.js';
import type { Logger } from '../../log/logger.js';
import { isLanternError } from '../../errors.js';
import { cardMessage, renderCard, type AdaptiveCardJson } from '../cards.js';
import { channelCardData } from './card-data.js';
import type { ProactiveSender } from '../send/proactive.js';
import { createChannelPoster, type TeamChannel } from '../channel-poster.js';
import { loadCase, type CaseStores, type LoadedCase } from '../../cases/store.js';
import { retryBusy } from '../../db/errors.js';
import type { PublishOutcome } from '../../cases/ports.js';
import type { ClickCache } from '../click-cache.js';

/** What posting to the DSL channel needs. */
export interface ChannelDeps {
  stores: CaseStores;
  config: LanternConfig;
  sender: ProactiveSender;
  log: Logger;
  clock: () => Date;
  /** The bot instance's cache of what does not change per click (channel references, the DSL team's names). */
  clicks?: ClickCache | undefined;
}

/** Shown (and logged) when the DSL team's channel cannot be reached yet. */
export const CHANNEL_UNREACHABLE = 'DSL channel not reachable — install Lantern in the DSL team';

/** The school's DSL channel, or undefined when Lantern has not been installed in any of the school's teams. */
export async function dslChannel(deps: Pick<ChannelDeps, 'stores' | 'sender' | 'clicks'>, school: School): Promise<TeamChannel | undefined> {
  return createChannelPoster(deps.stores, deps.sender, deps.clicks).reach(school.id, school.dsl.channel.channelId);
}

/**
 * The people a case card names (its subjects and the DSL team), for display only. With the instance's click
 * cache the DSL team's entries are reused for a minute and only the case's pupils are read (if it has any).
 */
export async function peopleForCard(stores: Pick<CaseStores, 'people'>, school: School, loaded: LoadedCase, clicks?: ClickCache): Promise<Person[]> {
  const emails = school.dsl.members.map((m) => m.email);
  const subjects = everSubjects(loaded);
  if (!clicks) return stores.people.find({ schoolId: school.id, $or: [{ personId: { $in: subjects } }, { email: { $in: emails } }] }).lean<Person[]>();
  const [team, pupils] = await Promise.all([
    clicks.dslTeam(school.id, () => stores.people.find({ schoolId: school.id, email: { $in: emails } }).lean<Person[]>()),
    subjects.length > 0 ? stores.people.find({ schoolId: school.id, personId: { $in: subjects } }).lean<Person[]>() : Promise.resolve([]),
  ]);
  const named = new Set(pupils.map((p) => p.personId));
  return [...pupils, ...team.filter((p) => !named.has(p.personId))];
}

/** Renders the DSL channel card of a case as it stands (through the instance's click cache when given). */
export async function renderChannelCard(stores: CaseStores, school: School, loaded: LoadedCase, now: Date, notice?: string, clicks?: ClickCache): Promise<AdaptiveCardJson> {
  const people = await peopleForCard(stores, school, loaded, clicks);
  return renderCard('case-channel', channelCardData({ loaded, school, now, people, ...(notice ? { notice } : {}) }));
}

/**
 * Why a case card is waiting for the DSL channel. Logged with the case id and number only: never the
 * case's text, nor an error message, which can quote it.
 */
export type PendingReason = 'channel_unreachable' | 'render_failed' | 'post_failed' | 'publish_failed';

async function markPending(deps: ChannelDeps, school: School, caseId: string, number: string | undefined, reason: PendingReason, code?: string): Promise<void> {
  await retryBusy(() => deps.stores.cases.updateOne({ schoolId: school.id, caseId }, { $set: { channelPending: true } }));
  const fields = { schoolId: school.id, caseId, number, reason, ...(code ? { code } : {}) };
  deps.log.warn(fields, reason === 'channel_unreachable' ? CHANNEL_UNREACHABLE : 'case card not posted to the DSL channel; queued for the flush job');
}

/** An error's code when it carries one we defined or an HTTP status; never its message. */
function codeOf(err: unknown): string | undefined {
  if (isLanternError(err)) return err.code;
  const e = err as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } } | null;
  const status = e?.statusCode ?? e?.status ?? e?.response?.status;
  return typeof status === 'number' ? `http_${status}` : undefined;
}

/**
 * Posts the case's card to the DSL channel, or replaces the posted one for everyone (REPLACE_FOR_ALL).
 * Whatever stops it (no channel yet, a card that will not render, Teams refusing the post), the case is
 * marked pending, logged by id and reason, and `queued` returned; the flush job (or the next action on
 * the case) posts it.
 */
export async function publishCaseCard(
  deps: ChannelDeps,
  school: School,
  caseId: string,
  ready?: { loaded: LoadedCase; card: AdaptiveCardJson },
): Promise<PublishOutcome> {
  try {
    return await postCaseCard(deps, school, caseId, ready);
  } catch (err) {
    // Reading or updating the case failed (the database, most likely): still try to leave it queued.
    await markPending(deps, school, caseId, ready?.loaded.doc.number, 'publish_failed', codeOf(err)).catch(() =>
      deps.log.error({ schoolId: school.id, caseId, reason: 'publish_failed' }, 'case card not posted and could not be queued; the next action on the case posts it'),
    );
    return 'queued';
  }
}

async function postCaseCard(
  deps: ChannelDeps,
  school: School,
  caseId: string,
  ready?: { loaded: LoadedCase; card: AdaptiveCardJson },
): Promise<PublishOutcome> {
  const loaded = ready?.loaded ?? (await loadCase(deps.stores, school.id, caseId));
  if (!loaded) return 'missing';
  const number = loaded.doc.number;
  const channel = await dslChannel(deps, school);
  if (!channel) {
    await markPending(deps, school, caseId, number, 'channel_unreachable');
    return 'queued';
  }
  let message: Activity;
  try {
    message = cardMessage(ready?.card ?? (await renderChannelCard(deps.stores, school, loaded, deps.clock(), undefined, deps.clicks)));
  } catch (err) {
    await markPending(deps, school, caseId, number, 'render_failed', codeOf(err));
    return 'queued';
  }
  const posted = loaded.doc.channelMessage as { activityId?: string } | null;
  let activityId: string | undefined;
  try {
    if (posted?.activityId) {
      await channel.update(posted.activityId, message);
      if (loaded.doc.channelPending) await retryBusy(() => deps.stores.cases.updateOne({ schoolId: school.id, caseId }, { $set: { channelPending: false } }));
      return 'updated';
    }
    activityId = await channel.post(message);
  } catch (err) {
    await markPending(deps, school, caseId, number, 'post_failed', codeOf(err));
    return 'queued';
  }
  await retryBusy(() => deps.stores.cases.updateOne(
    { schoolId: school.id, caseId },
    { $set: { channelPending: false, channelMessage: { activityId: activityId ?? null, conversationId: channel.reference.conversation.id } } },
  ));
  return 'posted';
}

/**
 * Posts every card still waiting for the DSL channel (after Lantern is installed in the team). Each case
 * is tried on its own (publishCaseCard does not throw): one that fails stays queued and the ones behind it
 * are still posted.
 */
export async function flushPendingCards(deps: ChannelDeps): Promise<{ posted: number; stillQueued: number }> {
  let posted = 0;
  let stillQueued = 0;
  for (const school of deps.config.schools) {
    const pending = await deps.stores.cases.find({ schoolId: school.id, channelPending: true }).select({ caseId: 1 }).lean<{ caseId: string }[]>();
    for (const { caseId } of pending) {
      const result = await publishCaseCard(deps, school, caseId);
      if (result === 'queued') stillQueued += 1;
      else posted += 1;
    }
  }
  return { posted, stillQueued };
}
