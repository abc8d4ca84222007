import { Schema, type InferSchemaType, type Model } from 'mongoose';
import type { Activity } from '@microsoft/agents-activity';
import { isDuplicateKey } from '../db/errors.js';

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

/** Stores (or refreshes) the reference of the activity's conversation. */
export async function saveConversationRef(
  refs: Model<ConversationRef>,
  activity: Activity,
  context: { schoolId?: string; tenantId?: string },
): Promise<void> {
  const conversationId = activity.conversation?.id;
  if (!conversationId) return;
  const scope = scopeOf(activity);
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
}

/** Marks a conversation as uninstalled; the record stays so reports can say why someone is unreachable. */
export async function markConversationRemoved(refs: Model<ConversationRef>, conversationId: string): Promise<void> {
  await refs.updateOne({ conversationId }, { $set: { installed: false } });
}
