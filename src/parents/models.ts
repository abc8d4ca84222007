import type { Connection } from 'mongoose';
import { parentLinkSchema } from './link-model.js';
import { linkTokenSchema, tokenUseSchema } from './token-model.js';
import { consentRecordSchema } from './consent-model.js';
import { parentSendSchema } from './send-model.js';
import { withdrawalNoticeSchema } from './notice-model.js';

/** Compiles the collections of parent–child links, link tokens, consents, parent sends and withdrawal notices on one connection. */
export function createParentModels(conn: Connection) {
  return {
    parentLinks: conn.model('ParentLink', parentLinkSchema, 'parent_links'),
    parentLinkTokens: conn.model('ParentLinkToken', linkTokenSchema, 'parent_link_tokens'),
    parentTokenUses: conn.model('ParentTokenUse', tokenUseSchema, 'parent_token_uses'),
    parentConsents: conn.model('ParentConsent', consentRecordSchema, 'parent_consents'),
    parentSends: conn.model('ParentSend', parentSendSchema, 'parent_sends'),
    parentWithdrawalNotices: conn.model('ParentWithdrawalNotice', withdrawalNoticeSchema, 'parent_withdrawal_notices'),
  };
}

/** The models createParentModels compiles: what this capability stores. */
export type ParentModels = ReturnType<typeof createParentModels>;
