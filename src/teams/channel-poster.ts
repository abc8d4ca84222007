import type { Activity, ConversationReference } from '@microsoft/agents-activity';
import type { Models } from '../stores.js';
import type { ProactiveSender } from './send/proactive.js';
import type { ClickCache } from './click-cache.js';

/** A configured channel of one of the school's teams that Lantern can post into. */
export interface TeamChannel {
  readonly reference: ConversationReference;
  /** Posts a new message; resolves to its id. Throws SendFailure. */
  post(activity: Partial<Activity>): Promise<string | undefined>;
  /** Replaces a posted message for everyone. Throws SendFailure. */
  update(activityId: string, activity: Partial<Activity>): Promise<void>;
}

/** Posts into configured team channels (the DSL channel, the governors' channel). */
export interface ChannelPoster {
  /** The channel, or undefined when Lantern has not been installed in any of the school's teams. */
  reach(schoolId: string, channelId: string): Promise<TeamChannel | undefined>;
}

/**
 * The reference for posting into a configured channel of one of the school's teams: the serviceUrl, bot and
 * tenant come from the reference Teams gave when Lantern was installed in a team of this school; the
 * conversation is the configured channel. Undefined when no team install is stored. With the instance's click
 * cache, the stored references are read once a minute (and again after an install or removal it records).
 */
export async function teamChannelReference(stores: Pick<Models, 'conversationRefs'>, schoolId: string, channelId: string, clicks?: ClickCache): Promise<ConversationReference | undefined> {
  const load = () => stores.conversationRefs.find({ scope: 'channel', installed: true, schoolId }).sort({ updatedAt: -1 }).lean();
  const refs = clicks ? await clicks.channelReferences(schoolId, load) : await load();
  const best = refs.find((r) => r.conversationId.startsWith(channelId)) ?? refs[0];
  if (!best) return undefined;
  const stored = best.reference as ConversationReference;
  return { ...stored, conversation: { ...stored.conversation, id: channelId, isGroup: true, conversationType: 'channel' } } as ConversationReference;
}

/** The channel poster over the stored conversation references (through the instance's click cache when given) and the proactive sender. */
export function createChannelPoster(stores: Pick<Models, 'conversationRefs'>, sender: ProactiveSender, clicks?: ClickCache): ChannelPoster {
  return {
    async reach(schoolId, channelId) {
      const reference = await teamChannelReference(stores, schoolId, channelId, clicks);
      if (!reference) return undefined;
      return {
        reference,
        post: (activity) => sender.send(reference, activity),
        update: (activityId, activity) => sender.update(reference, activityId, activity),
      };
    },
  };
}
