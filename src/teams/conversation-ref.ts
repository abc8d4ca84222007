import { Schema, type InferSchemaType, type Model } from 'mongoose';
import type { Activity } from '@microsoft/agents-activity';
import { isDuplicateKey } from '../db/errors.js';
import { serviceHost } from './channel-token.js';

/**
 * Where Lantern can reach someone proactively: the conversation reference Teams gives when the app is
 * installed for a user or a team. Captured on installationUpdate / conversationUpdate.
 */
export const conversationRefSchema = new Schema(
  {
    conversationId: { type: String, required: true },
    scope: { type: String, enum: ['personal', 'channel', 'groupChat'], required: true },
    tenantId: { type: String },
    schoolId: { type: String },
    /** The user's Entra object id, for personal chats. */
    aadObjectId: { type: String },
    /** The reference itself: serviceUrl, channelId, conversation, bot, user. */
    reference: { type: Schema.Types.Mixed, required: true },
    installed: { type: Boolean, default: true },
  },
  { timestamps: true },
);
conversationRefSchema.index({ conversationId: 1 }, { unique: true });
conversationRefSchema.index({ aadObjectId: 1, scope: 1 });

export type ConversationRef = InferSchemaType<typeof conversationRefSchema>;

function scopeOf(activity: Activity): 'personal' | 'channel' | 'groupChat' {
  const type = activity.conversation?.conversationType;
  if (type === 'channel') return 'channel';
  if (type === 'groupChat') return 'groupChat';
  return 'personal';
}

/** What happened to a reference: stored, or refused (no serviceUrl, or one that would move a stored reference to another host). */
export type SaveRefResult = 'stored' | 'host-changed' | 'no-service-url' | 'no-conversation';

/**
 * Hosts the new reference must keep: that of the conversation's stored reference and, for a channel, those of
 * the school's stored channel references (the DSL and governors' channel references are built from them).
 */
async function pinnedHosts(refs: Model<ConversationRef>, conversationId: string, scope: ReturnType<typeof scopeOf>, schoolId: string | undefined): Promise<Set<string>> {
  const filter = scope === 'channel' && schoolId ? { $or: [{ conversationId }, { scope: 'channel' as const, schoolId, installed: true }] } : { conversationId };
  const stored = await refs.find(filter, { reference: 1 }).lean();
  return new Set(stored.map((r) => serviceHost((r.reference as { serviceUrl?: unknown } | undefined)?.serviceUrl)).filter((h): h is string => h !== undefined));
}

/**
 * Stores (or refreshes) the reference of the activity's conversation. Never moves a stored reference (or the
 * school's channel references) to another serviceUrl host: replies and case cards, with Lantern's own token,
 * would follow it there.
 */
export async function saveConversationRef(
  refs: Model<ConversationRef>,
  activity: Activity,
  context: { schoolId?: string; tenantId?: string },
): Promise<SaveRefResult> {
  const conversationId = activity.conversation?.id;
  if (!conversationId) return 'no-conversation';
  const scope = scopeOf(activity);
  const host = serviceHost(activity.serviceUrl);
  const pinned = await pinnedHosts(refs, conversationId, scope, context.schoolId);
  if (!host) return 'no-service-url';
  if ([...pinned].some((h) => h !== host)) return 'host-changed';
  const reference = activity.getConversationReference();
  const upsert = () => refs.updateOne(
    { conversationId },
    {
      $set: {
        scope,
        reference: JSON.parse(JSON.stringify(reference)),
        installed: true,
        ...(context.tenantId ? { tenantId: context.tenantId } : {}),
        ...(context.schoolId ? { schoolId: context.schoolId } : {}),
        ...(scope === 'personal' && activity.from?.aadObjectId ? { aadObjectId: activity.from.aadObjectId } : {}),
      },
    },
    { upsert: true },
  );
  try {
    await upsert();
  } catch (err) {
    // Teams sends installationUpdate and conversationUpdate together: two upserts of one new conversation
    // race on the unique index, and the loser's retry now finds the document and updates it.
    if (!isDuplicateKey(err)) throw err;
    await upsert();
  }
  return 'stored';
}

/** Marks a conversation as uninstalled; the record stays so reports can say why someone is unreachable. */
export async function markConversationRemoved(refs: Model<ConversationRef>, conversationId: string): Promise<void> {
  await refs.updateOne({ conversationId }, { $set: { installed: false } });
}
