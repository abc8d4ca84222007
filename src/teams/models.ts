import type { Connection } from 'mongoose';
import { conversationRefSchema } from './conversation-ref.js';

/** Compiles the collections of where Lantern can reach people and channels in Teams on one connection. */
export function createTeamsModels(conn: Connection) {
  return {
    conversationRefs: conn.model('ConversationRef', conversationRefSchema, 'conversation_refs'),
  };
}

/** The models createTeamsModels compiles: what this capability stores. */
export type TeamsModels = ReturnType<typeof createTeamsModels>;
