import type { TurnContext } from '@microsoft/agents-hosting';
import type { PolicyPageLinks } from '../agreements/policy-link.js';
import type { Logger } from '../log/logger.js';
import type { LanternConfig } from '../config/load.js';
import type { Models } from '../stores.js';
import { cardMessage, renderCard } from './cards.js';
import { CARD_TEXT_MAX, userText } from './card-text.js';
import { helpItemsFor, roleLabel } from './help.js';
import type { Sender } from './identify.js';
import type { ClickCache } from './click-cache.js';
import type { ProactiveSender } from './send/proactive.js';
import { sendConcernForm } from './cases/concern.js';
import { sendClassAgreement } from './agreements/class-agreement.js';
import { sendSelfAudit } from './agreements/self-audit.js';
import { sendAgreementStatus } from './agreements/status-command.js';
import { sendCampaignForm } from './agreements/campaign-card.js';
import { sendFilterCheckForm } from './records/filter-check.js';
import { sendUnsignedAccounts } from './agreements/unsigned-command.js';
import { sendBreachCards } from './cases/dpo.js';
import { sendClassList } from './parents/class-list-command.js';

/** What a command handler receives: the turn, who sent it, and Lantern's services. */
export interface CommandContext {
  turn: TurnContext;
  sender: Sender;
  config: LanternConfig;
  models: Models;
  /** Posts into other conversations (the DSL channel, a deputy's chat) outside this turn. */
  proactive: ProactiveSender;
  /** Where cards link to a policy's full text. */
  policyLinks: PolicyPageLinks;
  log: Logger;
  /** The time; defaults to the system clock (a test drives a simulated school year with its own). */
  clock?: () => Date;
  /** The instance's cache of what does not change per click (directory people, agreement versions). */
  clicks?: ClickCache | undefined;
}

/** A command someone can type in chat with Lantern. */
export interface Command {
  /** Shown on the help card. */
  readonly usage: string;
  run(ctx: CommandContext): Promise<void>;
}

async function sendHelp(ctx: CommandContext): Promise<void> {
  const { person, school, isDsl } = ctx.sender;
  if (!person || !school) {
    const card = renderCard('not-recognised', { schoolLabel: school?.name ?? 'your school' });
    await ctx.turn.sendActivity(cardMessage(card));
    return;
  }
  const card = renderCard('help', {
    schoolName: school.name,
    firstName: userText(person.displayName.split(' ')[0] ?? person.displayName, CARD_TEXT_MAX.short),
    roleLabel: roleLabel(person.role, person.jobTitle ?? undefined, isDsl),
    items: helpItemsFor({ role: person.role, formsTaught: person.formsTaught ?? null }, isDsl),
    commandList: Object.values(COMMANDS).map((c) => c.usage).join(', '),
  });
  await ctx.turn.sendActivity(cardMessage(card));
}

/** Every chat command, keyed by what the person types (lower case). */
export const COMMANDS = {
  help: { usage: '"help" (this card)', run: sendHelp },
  'class agreement': { usage: '"class agreement" (record your class\'s agreement to the class rules)', run: sendClassAgreement },
  'self audit': { usage: '"self audit" (online safety training questions)', run: sendSelfAudit },
  'agreements status': { usage: '"agreements status" (who has signed, for the DSL)', run: sendAgreementStatus },
  'unsigned accounts': { usage: '"unsigned accounts" (who has not signed what they must, for IT and the DSL)', run: sendUnsignedAccounts },
  'issue agreement': { usage: '"issue agreement" (start a campaign, for the DSL and policy owners)', run: sendCampaignForm },
  'report a concern': { usage: '"report a concern" (tell the DSL team)', run: sendConcernForm },
  'filter check': { usage: '"filter check" (log a web filter check, for IT and the DSL)', run: sendFilterCheckForm },
  breaches: { usage: '"breaches" (possible personal-data breaches to decide, for the data protection officer)', run: sendBreachCards },
  'who may not appear': { usage: '"who may not appear" (pupils in your class without a parent\'s yes for photos and other uses)', run: sendClassList },
} as const satisfies Record<string, Command>;

export type CommandName = keyof typeof COMMANDS;

/** Normalises typed text: drops @mentions of the bot, trims, lower-cases and collapses spaces. */
export function normaliseCommandText(text: string | undefined): string {
  return (text ?? '')
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** The command matching the text, or undefined. */
export function findCommand(text: string): Command | undefined {
  return Object.hasOwn(COMMANDS, text) ? COMMANDS[text as CommandName] : undefined;
}
