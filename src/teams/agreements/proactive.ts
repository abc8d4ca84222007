import type { Activity, ConversationReference } from '@microsoft/agents-activity';
import type { CloudAdapter } from '@microsoft/agents-hosting';
import type { LanternConfig } from '../../config/load.js';
import type { Models } from '../../db/models.js';
import type { Person } from '../../directory/person.js';
import { parseRetryAfter } from '../../http/failure.js';

/** Why a proactive send failed, in the terms the queue needs to decide what to do next. */
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
  const e = err as { status?: unknown; response?: { headers?: { get?: (n: string) => string | null } }; message?: unknown };
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const retryAfter = parseRetryAfter(e?.response?.headers?.get?.('retry-after'));
  const message = typeof e?.message === 'string' ? e.message : String(err);
  // No status: the request never got an answer (connection refused or reset) — try again later.
  const retryable = status === undefined || RETRYABLE_STATUSES.has(status);
  return new SendFailure(message, status, retryable, retryAfter);
}

/** The identity the adapter sends as: the bot's app id, or anonymous in demo / local mode. */
export function senderIdentity(config: LanternConfig): Parameters<CloudAdapter['continueConversation']>[0] {
  return config.bot?.appId ?? {};
}

/**
 * Sends one activity into a stored conversation through the Agents SDK (continueConversation → the
 * connector client at the reference's serviceUrl). Throws SendFailure.
 */
export async function sendToConversation(adapter: CloudAdapter, config: LanternConfig, reference: ConversationReference, activity: Partial<Activity>): Promise<string | undefined> {
  let id: string | undefined;
  let failed: unknown;
  try {
    await adapter.continueConversation(senderIdentity(config), reference, async (turn) => {
      // Caught here, not left to the adapter: its default onTurnError would post an error message into
      // the chat and report success, turning a 429 into a lost card and an extra message.
      try {
        const response = await turn.sendActivity(activity as Activity);
        id = response?.id;
      } catch (err) {
        failed = err;
      }
    });
  } catch (err) {
    failed ??= err;
  }
  if (failed !== undefined) throw classifySendError(failed);
  return id;
}

/** The stored personal-chat reference for a person, or null when Lantern is not installed for them. */
export async function personalReference(models: Pick<Models, 'conversationRefs'>, person: Pick<Person, 'aadObjectId'>): Promise<ConversationReference | null> {
  if (!person.aadObjectId) return null;
  const ref = await models.conversationRefs.findOne({ aadObjectId: person.aadObjectId, scope: 'personal', installed: true }).sort({ updatedAt: -1 }).lean();
  return ref ? (ref.reference as ConversationReference) : null;
}
