import type { Activity, ConversationReference } from '@microsoft/agents-activity';
import { Activity as ActivityClass } from '@microsoft/agents-activity';
import type { CloudAdapter, ConnectorClient } from '@microsoft/agents-hosting';
import type { LanternConfig } from '../../config/load.js';
import type { Models } from '../../stores.js';
import type { Person } from '../../directory/person.js';
import { parseRetryAfter } from '../../http/failure.js';

/** Sends and replaces messages in a conversation Lantern was installed in (the Bot Connector API). */
export interface ProactiveSender {
  /** Posts an activity as a new message; resolves to the id the connector gave it. Throws SendFailure. */
  send(reference: ConversationReference, activity: Partial<Activity>): Promise<string | undefined>;
  /** Replaces a posted activity for everyone in the conversation. Throws SendFailure. */
  update(reference: ConversationReference, activityId: string, activity: Partial<Activity>): Promise<void>;
}

/** Why a proactive send failed, in the terms a caller (the send queue, the case card's pending flag) needs. */
export class SendFailure extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    /** 429 / 412 / 502 / 504 and network errors: worth trying again. */
    readonly retryable: boolean,
    /** From Retry-After, when the service sent one. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.name = 'SendFailure';
  }
}

const RETRYABLE_STATUSES = new Set([412, 429, 502, 504]);

/** Turns whatever the SDK threw into a SendFailure. */
export function classifySendError(err: unknown): SendFailure {
  if (err instanceof SendFailure) return err;
  const e = err as { status?: unknown; response?: { headers?: { get?: (n: string) => string | null } }; message?: unknown };
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const retryAfter = parseRetryAfter(e?.response?.headers?.get?.('retry-after'));
  const message = typeof e?.message === 'string' ? e.message : String(err);
  // No status: the request never got an answer (connection refused or reset) — try again later.
  const retryable = status === undefined || RETRYABLE_STATUSES.has(status);
  return new SendFailure(message, status, retryable, retryAfter);
}

type Identity = Parameters<CloudAdapter['continueConversation']>[0];

/** The identity the adapter sends as: the bot's app id, or anonymous (no `aud`) in demo / local mode. */
function senderIdentity(config: LanternConfig): Identity {
  return config.bot?.appId ?? ({} as Exclude<Identity, string>);
}

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

/**
 * Runs `send` with the connector client of a continued conversation and throws its failure as a SendFailure.
 * Left to the adapter, the onTurnError handler would swallow it (or post "The agent encountered an error"
 * into the chat) and report success, so a refused card would be lost instead of queued or retried.
 */
async function continueOrThrow(adapter: CloudAdapter, identity: Identity, reference: ConversationReference, send: (client: ConnectorClient) => Promise<void>): Promise<void> {
  let failed: unknown;
  try {
    await adapter.continueConversation(identity, reference, async (turn) => {
      try {
        await send(turn.turnState.get<ConnectorClient>(adapter.ConnectorClientKey));
      } catch (err) {
        failed = err;
      }
    });
  } catch (err) {
    failed ??= err;
  }
  if (failed !== undefined) throw classifySendError(failed);
}

/**
 * The one proactive sender, over the adapter start-up built. Without bot credentials (demo / local) the
 * connector is called anonymously, as the Playground expects.
 */
export function createProactiveSender(adapter: CloudAdapter, config: LanternConfig): ProactiveSender {
  const identity = senderIdentity(config);
  return {
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
}

/** The stored personal-chat reference for a person, or null when Lantern is not installed for them. */
export async function personalReference(models: Pick<Models, 'conversationRefs'>, person: Pick<Person, 'aadObjectId'>): Promise<ConversationReference | null> {
  if (!person.aadObjectId) return null;
  const ref = await models.conversationRefs.findOne({ aadObjectId: person.aadObjectId, scope: 'personal', installed: true }).sort({ updatedAt: -1 }).lean();
  return ref ? (ref.reference as ConversationReference) : null;
}
