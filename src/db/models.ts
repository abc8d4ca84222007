import type { Connection } from 'mongoose';
import { personSchema } from '../directory/person.js';
import { conversationRefSchema } from '../teams/conversation-ref.js';

/** Compiles every collection's model on one connection; each capability adds its schema here. */
export function createModels(conn: Connection) {
  return {
    people: conn.model('Person', personSchema, 'people'),
    conversationRefs: conn.model('ConversationRef', conversationRefSchema, 'conversation_refs'),
  };
}

/** The compiled models of one connection. */
export type Models = ReturnType<typeof createModels>;

/** Creates the indexes every model declares (unique keys carry idempotency, so this runs before use). */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models)) await model.createIndexes();
}
