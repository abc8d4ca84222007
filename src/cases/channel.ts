import type { ConversationReference } from '@microsoft/agents-activity';
import type { LanternConfig, School } from '../config/load.js';
import type { Person } from '../directory/person.js';
import type { Logger } from '../log/logger.js';
import { cardMessage, renderCard, type AdaptiveCardJson } from '../teams/cards.js';
import { channelCardData } from './card-data.js';
import type { ProactiveSender } from './proactive.js';
import { loadCase, type CaseStores, type LoadedCase } from './store.js';
import { retryBusy } from '../db/errors.js';

/** What posting to the DSL channel needs. */
export interface ChannelDeps {
  stores: CaseStores;
  config: LanternConfig;
  sender: ProactiveSender;
  log: Logger;
  clock: () => Date;
}

/** Shown (and logged) when the DSL team's channel cannot be reached yet. */
export const CHANNEL_UNREACHABLE = 'DSL channel not reachable — install Lantern in the DSL team';

/**
 * The reference for posting into the school's DSL channel: the serviceUrl, bot and tenant come from the
 * reference Teams gave when Lantern was installed in a team of this school; the conversation is the
 * configured channel. Undefined when Lantern has not been installed in any of the school's teams.
 */
export async function dslChannelReference(stores: Pick<CaseStores, 'conversationRefs'>, school: School): Promise<ConversationReference | undefined> {
  return teamChannelReference(stores, school.id, school.dsl.channel.channelId);
}

/**
 * The reference for posting into a configured channel of one of the school's teams (the DSL channel, the
 * governors' channel): as dslChannelReference, for any channel id. Undefined when no team install is stored.
 */
export async function teamChannelReference(stores: Pick<CaseStores, 'conversationRefs'>, schoolId: string, channelId: string): Promise<ConversationReference | undefined> {
  const refs = await stores.conversationRefs.find({ scope: 'channel', installed: true, schoolId }).sort({ updatedAt: -1 }).lean();
  const best = refs.find((r) => r.conversationId.startsWith(channelId)) ?? refs[0];
  if (!best) return undefined;
  const stored = best.reference as ConversationReference;
  return { ...stored, conversation: { ...stored.conversation, id: channelId, isGroup: true, conversationType: 'channel' } } as ConversationReference;
}

/** The people a case card names (its subjects and the DSL team), for display only. */
export async function peopleForCard(stores: Pick<CaseStores, 'people'>, school: School, loaded: LoadedCase): Promise<Person[]> {
  const emails = school.dsl.members.map((m) => m.email);
  return stores.people.find({ schoolId: school.id, $or: [{ personId: { $in: loaded.state.subjects } }, { email: { $in: emails } }] }).lean<Person[]>();
}

/** Renders the DSL channel card of a case as it stands. */
export async function renderChannelCard(stores: CaseStores, school: School, loaded: LoadedCase, now: Date, notice?: string): Promise<AdaptiveCardJson> {
  const people = await peopleForCard(stores, school, loaded);
  return renderCard('case-channel', channelCardData({ loaded, school, now, people, ...(notice ? { notice } : {}) }));
}

/**
 * Posts the case's card to the DSL channel, or replaces the posted one for everyone (REPLACE_FOR_ALL).
 * When the channel cannot be reached the case is marked pending and `queued` returned; a later publish
 * (the flush job, or the next action on the case) posts it.
 */
export async function publishCaseCard(
  deps: ChannelDeps,
  school: School,
  caseId: string,
  ready?: { loaded: LoadedCase; card: AdaptiveCardJson },
): Promise<'posted' | 'updated' | 'queued' | 'missing'> {
  const loaded = ready?.loaded ?? (await loadCase(deps.stores, school.id, caseId));
  if (!loaded) return 'missing';
  const reference = await dslChannelReference(deps.stores, school);
  if (!reference) {
    await retryBusy(() => deps.stores.cases.updateOne({ schoolId: school.id, caseId }, { $set: { channelPending: true } }));
    deps.log.warn({ schoolId: school.id, number: loaded.doc.number }, CHANNEL_UNREACHABLE);
    return 'queued';
  }
  const card = ready?.card ?? (await renderChannelCard(deps.stores, school, loaded, deps.clock()));
  const message = cardMessage(card);
  const posted = loaded.doc.channelMessage as { activityId?: string } | null;
  let activityId: string | undefined;
  try {
    if (posted?.activityId) {
      await deps.sender.update(reference, posted.activityId, message);
      if (loaded.doc.channelPending) await retryBusy(() => deps.stores.cases.updateOne({ schoolId: school.id, caseId }, { $set: { channelPending: false } }));
      return 'updated';
    }
    activityId = await deps.sender.send(reference, message);
  } catch (err) {
    // Teams or the network failed: keep the case queued so the flush job tries again.
    await retryBusy(() => deps.stores.cases.updateOne({ schoolId: school.id, caseId }, { $set: { channelPending: true } }));
    deps.log.warn({ err, schoolId: school.id, number: loaded.doc.number }, 'could not post the case card to the DSL channel; queued');
    return 'queued';
  }
  await retryBusy(() => deps.stores.cases.updateOne(
    { schoolId: school.id, caseId },
    { $set: { channelPending: false, channelMessage: { activityId: activityId ?? null, conversationId: reference.conversation.id } } },
  ));
  return 'posted';
}

/** Posts every card still waiting for the DSL channel (after Lantern is installed in the team). */
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
