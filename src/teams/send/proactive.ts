import type { Activity, ConversationReference } from '@microsoft/agents-activity';
import { Activity as ActivityClass } from '@microsoft/agents-activity';
import { CloudAdapter, type ConnectorClient } from '@microsoft/agents-hosting';
import type { LanternConfig } from '../../config/load.js';
import { botAuthConfiguration } from '../bot.js';

/** Sends and replaces messages in a conversation Lantern was installed in (the Bot Connector API). */
export interface ProactiveSender {
  /** Posts an activity; resolves to the id the connector gave it. */
  send(reference: ConversationReference, activity: Partial<Activity>): Promise<string | undefined>;
  /** Replaces a posted activity for everyone in the conversation. */
  update(reference: ConversationReference, activityId: string, activity: Partial<Activity>): Promise<void>;
}

type Identity = Parameters<CloudAdapter['continueConversation']>[0];

/** The activity as the connector expects it: addressed to the reference's conversation, from the bot. */
function outgoing(reference: ConversationReference, activity: Partial<Activity>): Activity {
  return ActivityClass.fromObject({
    type: 'message',
    ...activity,
    channelId: reference.channelId,
    serviceUrl: reference.serviceUrl,
    conversation: reference.conversation,
    ...(reference.agent ? { from: reference.agent } : {}),
  });
}

const senders = new WeakMap<LanternConfig, ProactiveSender>();

/**
 * Runs `send` with the connector client of a continued conversation and rethrows its failure. Left to the
 * adapter, the default onTurnError would post "The agent encountered an error" into the channel and report
 * success, so a refused case card would be lost instead of queued.
 */
async function continueOrThrow(adapter: CloudAdapter, identity: Identity, reference: ConversationReference, send: (client: ConnectorClient) => Promise<void>): Promise<void> {
  let failed: unknown;
  await adapter.continueConversation(identity, reference, async (turn) => {
    try {
      await send(turn.turnState.get<ConnectorClient>(adapter.ConnectorClientKey));
    } catch (err) {
      failed = err;
    }
  });
  if (failed !== undefined) throw failed;
}

/**
 * The sender for a configuration: its own CloudAdapter with the bot's credentials (so background jobs can
 * send too). Without credentials (demo / local) the connector is called anonymously, as the Playground expects.
 */
export function proactiveSenderFor(config: LanternConfig): ProactiveSender {
  let sender = senders.get(config);
  if (!sender) {
    const adapter = new CloudAdapter(botAuthConfiguration(config));
    // The SDK needs an identity object; one without `aud` means anonymous.
    const identity: Identity = config.bot?.appId ?? ({} as Exclude<Identity, string>);
    sender = {
      async send(reference, activity) {
        let id: string | undefined;
        // The connector client directly: TurnContext.sendActivity would make this a reply to the made-up
        // continuation activity, which in a channel is a reply in a thread rather than a new post.
        await continueOrThrow(adapter, identity, reference, async (client) => {
          id = (await client.sendToConversation(reference.conversation.id, outgoing(reference, activity))).id;
        });
        return id;
      },
      async update(reference, activityId, activity) {
        await continueOrThrow(adapter, identity, reference, async (client) => {
          await client.updateActivity(reference.conversation.id, activityId, outgoing(reference, { ...activity, id: activityId }));
        });
      },
    };
    senders.set(config, sender);
  }
  return sender;
}
