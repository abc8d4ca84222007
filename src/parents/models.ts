import type { Connection } from 'mongoose';
import { parentLinkSchema } from './link-model.js';
import { linkTokenSchema, tokenUseSchema } from './token-model.js';
import { consentRecordSchema } from './consent-model.js';
import { parentSendSchema } from './send-model.js';

/** Compiles the collections of parent–child links, link tokens, consents and parent sends on one connection. */
export function createParentModels(conn: Connection) {
  return {
    parentLinks: conn.model('ParentLink', parentLinkSchema, 'parent_links'),
    parentLinkTokens: conn.model('ParentLinkToken', linkTokenSchema, 'parent_link_tokens'),
    parentTokenUses: conn.model('ParentTokenUse', tokenUseSchema, 'parent_token_uses'),
    parentConsents: conn.model('ParentConsent', consentRecordSchema, 'parent_consents'),
    parentSends: conn.model('ParentSend', parentSendSchema, 'parent_sends'),
  };
}

/** The models createParentModels compiles: what this capability stores. */
export type ParentModels = ReturnType<typeof createParentModels>;
