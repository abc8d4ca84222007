import type { CardActionHandler } from '../card-actions.js';
import { CAMPAIGN_ACTIONS } from './campaign-card.js';
import { CLASS_ACTIONS } from './class-agreement.js';
import { SELF_AUDIT_ACTIONS } from './self-audit.js';
import { SIGN_ACTIONS } from './sign-actions.js';
import { STATUS_ACTIONS } from './status-command.js';
import { UNSIGNED_ACTIONS } from './unsigned-command.js';

/** Every `agreement.*` card verb; spread into CARD_ACTIONS in src/teams/card-actions.ts. */
export const AGREEMENT_CARD_ACTIONS: Readonly<Record<string, CardActionHandler>> = {
  ...SIGN_ACTIONS,
  ...CLASS_ACTIONS,
  ...SELF_AUDIT_ACTIONS,
  ...STATUS_ACTIONS,
  ...UNSIGNED_ACTIONS,
  ...CAMPAIGN_ACTIONS,
};
