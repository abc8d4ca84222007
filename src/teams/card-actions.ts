import type { TurnContext } from '@microsoft/agents-hosting';
import { AGREEMENT_CARD_ACTIONS } from './agreements/actions.js';
import type { AdaptiveCardJson } from './cards.js';
import type { CommandContext } from './commands.js';
import { CASE_CARD_ACTIONS } from './cases/card-actions.js';
import { DPO_CARD_ACTIONS } from './cases/dpo.js';
import { RECORDS_CARD_ACTIONS } from './records/filter-check.js';
import { IT_CARD_ACTIONS } from './cases/it-actions.js';
import { ESCALATION_CARD_ACTIONS } from './cases/escalation-actions.js';
import { CONSENT_CARD_ACTIONS } from './parents/class-list-command.js';

/** What a card button's handler receives: the command context plus the button's verb and data. */
export interface CardActionContext extends CommandContext {
  readonly verb: string;
  /** The `data` of the Action.Execute (or Action.Submit) that was pressed; validate before use. */
  readonly data: Readonly<Record<string, unknown>>;
  /** `automatic` when Teams refreshes a card by itself (Universal Actions `refresh`). */
  readonly trigger: 'manual' | 'automatic';
}

/** Answers a button press with the card that replaces the pressed one (or a short message). */
export type CardActionHandler = (ctx: CardActionContext) => Promise<AdaptiveCardJson | string>;

/**
 * Every card verb Lantern answers, keyed by verb (`<capability>.<action>`, e.g. `agreement.sign`). Each
 * capability exports its own table and it is spread in here, so the compiler checks every handler.
 */
export const CARD_ACTIONS: Readonly<Record<string, CardActionHandler>> = {
  ...CASE_CARD_ACTIONS,
  ...DPO_CARD_ACTIONS,
  ...IT_CARD_ACTIONS,
  ...ESCALATION_CARD_ACTIONS,
  ...AGREEMENT_CARD_ACTIONS,
  ...RECORDS_CARD_ACTIONS,
  ...CONSENT_CARD_ACTIONS,
};

/** Reads verb, data and trigger from an `adaptiveCard/action` invoke or an Action.Submit message. */
export function readCardAction(turn: TurnContext): { verb: string; data: Record<string, unknown>; trigger: 'manual' | 'automatic' } | undefined {
  const value = turn.activity.value as { action?: { verb?: unknown; data?: unknown }; trigger?: unknown; verb?: unknown } | undefined;
  if (!value || typeof value !== 'object') return undefined;
  const action = value.action;
  if (action && typeof action === 'object' && typeof action.verb === 'string') {
    const data = action.data && typeof action.data === 'object' ? (action.data as Record<string, unknown>) : {};
    return { verb: action.verb, data, trigger: value.trigger === 'automatic' ? 'automatic' : 'manual' };
  }
  // Action.Submit fallback (clients without Universal Actions): the verb travels inside the data.
  if (typeof value.verb === 'string') return { verb: value.verb, data: value as Record<string, unknown>, trigger: 'manual' };
  return undefined;
}
