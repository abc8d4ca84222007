import type { Connection } from 'mongoose';
import { webSecretSchema } from './secret-model.js';

/** Compiles the collections of the web pages' cookie secrets on one connection. */
export function createWebModels(conn: Connection) {
  return {
    webSecrets: conn.model('WebSecret', webSecretSchema, 'web_secrets'),
  };
}

/** The models createWebModels compiles: what this capability stores. */
export type WebModels = ReturnType<typeof createWebModels>;
