import type { Connection } from 'mongoose';
import { digestSendAttemptSchema, digestSendSchema } from './send-model.js';

/** Compiles the collections of the governors' digest sends on one connection. */
export function createDigestModels(conn: Connection) {
  return {
    digestSends: conn.model('DigestSend', digestSendSchema, 'digest_sends'),
    digestSendAttempts: conn.model('DigestSendAttempt', digestSendAttemptSchema, 'digest_send_attempts'),
  };
}

/** The models createDigestModels compiles: what this capability stores. */
export type DigestModels = ReturnType<typeof createDigestModels>;
