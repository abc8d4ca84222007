import { Activity, ActivityTypes } from '@microsoft/agents-activity';
import { AgentApplication, MemoryStorage, MessageFactory, RouteRank, type CloudAdapter, type TurnContext, type TurnState } from '@microsoft/agents-hosting';
import { BOT_FRAMEWORK_OPENID_METADATA_URL, type LanternConfig } from '../config/load.js';
import { createChannelTokenVerifier, serviceUrlMatches, type ChannelTokenVerifier } from './channel-token.js';
import type { Models } from '../stores.js';
import type { Logger } from '../log/logger.js';
import { CARD_ACTIONS, readCardAction } from './card-actions.js';
import { staleCard } from './stale-card.js';
import { cardMessage, type AdaptiveCardJson } from './cards.js';
import { findCommand, normaliseCommandText, type CommandContext } from './commands.js';
import { markConversationRemoved, saveConversationRef } from './conversation-ref.js';
import { identifySender, tenantOf } from './identify.js';
import type { PolicyPageLinks } from '../agreements/policy-link.js';
import type { SendShared } from './send/deps.js';
import type { ProactiveSender } from './send/proactive.js';
import { offerPendingAgreements } from './agreements/on-install.js';
import { SENDER_CACHED_VERBS } from './agreements/sign-actions.js';
import { ClickCache, PERSON_TTL_MS } from './click-cache.js';

/** What the bot needs from the rest of Lantern: the adapter and proactive sender are start-up's one pair. */
export interface BotDeps {
  config: LanternConfig;
  models: Models;
  logger: Logger;
  adapter: CloudAdapter;
  proactive: ProactiveSender;
  /** The edge's shared send state: the install path sends through the same limiter and lease as the queue. */
  sending: SendShared;
  policyLinks: PolicyPageLinks;
  /** What clicks read that does not change per click (built by createBot when not given). */
  clicks?: ClickCache;
}

function activityLogger(turn: TurnContext, logger: Logger): Logger {
  const activity = turn.activity;
  return logger.child({
    activityId: activity.id,
    activityType: activity.type,
    tenantId: tenantOf(activity),
    conversationType: activity.conversation?.conversationType ?? 'personal',
  });
}

/** A handler for one kind of activity; the table below is the whole of the bot's surface. */
type ActivityRoute = (turn: TurnContext, deps: BotDeps, log: Logger) => Promise<void>;

/**
 * How long a verb may use a directory person found earlier: viewing and signing one's own agreement minutes;
 * anything that grants access (the DSL case buttons, IT, admin) not at all, so a directory change counts at once.
 */
function senderCacheTtl(verb: string): number | undefined {
  return SENDER_CACHED_VERBS.has(verb) ? PERSON_TTL_MS : undefined;
}

/** Runs the handler for a pressed card button; unknown verbs and failures become a clear card. */
async function runCardAction(turn: TurnContext, deps: BotDeps, log: Logger): Promise<AdaptiveCardJson | string> {
  const action = readCardAction(turn);
  const handler = action && Object.hasOwn(CARD_ACTIONS, action.verb) ? CARD_ACTIONS[action.verb] : undefined;
  if (!action || !handler) {
    log.warn({ verb: action?.verb?.slice(0, 60) }, 'unknown card verb');
    return staleCard('unknown-verb');
  }
  const ttlMs = senderCacheTtl(action.verb);
  const sender = await identifySender(turn.activity, deps.config, deps.models, ttlMs ? deps.clicks : undefined, ttlMs);
  try {
    return await handler({ turn, sender, config: deps.config, models: deps.models, proactive: deps.proactive, policyLinks: deps.policyLinks, clicks: deps.clicks, log: log.child({ verb: action.verb }), ...action });
  } catch (err) {
    log.error({ err, verb: action.verb }, 'card action failed');
    return staleCard('failed');
  }
}

async function onMessage(turn: TurnContext, deps: BotDeps, log: Logger): Promise<void> {
  if (!turn.activity.text && readCardAction(turn)) {
    // Action.Submit from a client without Universal Actions: answer with a new card.
    const result = await runCardAction(turn, deps, log);
    await turn.sendActivity(typeof result === 'string' ? MessageFactory.text(result) : cardMessage(result));
    return;
  }
  const text = normaliseCommandText(turn.activity.text);
  const sender = await identifySender(turn.activity, deps.config, deps.models);
  const command = findCommand(text);
  log.info({ command: command ? text : 'unknown', schoolId: sender.school?.id, known: sender.person !== null }, 'message received');
  if (!command) {
    const said = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    await turn.sendActivity(MessageFactory.text(said ? `I don't know "${said}" yet. Type **help** to see what I can do for you.` : 'Type **help** to see what I can do for you.'));
    return;
  }
  const ctx: CommandContext = { turn, sender, config: deps.config, models: deps.models, proactive: deps.proactive, policyLinks: deps.policyLinks, clicks: deps.clicks, log };
  await command.run(ctx);
}

async function onInstallOrMembers(turn: TurnContext, deps: BotDeps, log: Logger): Promise<void> {
  const activity = turn.activity;
  const tenantId = tenantOf(activity);
  const removed = activity.type === 'installationUpdate' && String(activity.action ?? '').startsWith('remove');
  if (removed) {
    if (activity.conversation?.id) await markConversationRemoved(deps.models.conversationRefs, activity.conversation.id);
    deps.clicks?.forgetChannelReferences();
    log.info('app removed from a conversation');
    return;
  }
  const sender = await identifySender(activity, deps.config, deps.models);
  // The web edge already refused a serviceUrl the token does not name; checked again where references are stored.
  if (deps.config.bot && !serviceUrlMatches(turn.identity as { serviceurl?: unknown }, activity.serviceUrl)) {
    log.warn('conversation reference not stored: serviceUrl not vouched for by the token');
    return;
  }
  const saved = await saveConversationRef(deps.models.conversationRefs, activity, {
    ...(tenantId ? { tenantId } : {}),
    ...(sender.school ? { schoolId: sender.school.id } : {}),
  });
  if (saved !== 'stored') {
    log.warn({ schoolId: sender.school?.id, reason: saved }, saved === 'host-changed' ? 'conversation reference not stored: it would move an existing reference to another host' : 'conversation reference not stored');
    return;
  }
  deps.clicks?.forgetChannelReferences();
  log.info({ schoolId: sender.school?.id }, 'conversation reference stored');
  // A new personal chat shows the agreements waiting for this person, with no command typed (once).
  await offerPendingAgreements(turn, deps, sender, log);
}

/** Activity type → handler. Adding a kind of activity is adding a key. */
export const ACTIVITY_ROUTES = {
  message: onMessage,
  conversationUpdate: onInstallOrMembers,
  installationUpdate: onInstallOrMembers,
} as const satisfies Record<string, ActivityRoute>;

/** Builds the agent application with Lantern's routes, over the adapter start-up built (src/teams/adapter.ts). */
export function createBot(given: BotDeps): { adapter: CloudAdapter; agent: AgentApplication<TurnState>; channelTokens: ChannelTokenVerifier | null } {
  const deps: BotDeps = { ...given, clicks: given.clicks ?? new ClickCache() };
  const bot = deps.config.bot;
  const channelTokens = bot ? createChannelTokenVerifier({ appId: bot.appId, openIdMetadataUrl: bot.openIdMetadataUrl ?? BOT_FRAMEWORK_OPENID_METADATA_URL }) : null;
  if (bot && !deps.config.schools.some((s) => s.microsoft?.tenantId)) {
    deps.logger.warn('no school has microsoft.tenantId set, so every Teams activity will be refused: set schools[].microsoft.tenantId to each school\'s Microsoft 365 tenant id');
  }
  const adapter = deps.adapter;
  const agent = new AgentApplication<TurnState>({ storage: new MemoryStorage(), adapter, startTypingTimer: false });
  for (const [type, route] of Object.entries(ACTIVITY_ROUTES)) {
    agent.onActivity(type, async (turn) => {
      const log = activityLogger(turn, deps.logger);
      try {
        await route(turn, deps, log);
      } catch (err) {
        log.error({ err }, 'activity handler failed');
        await turn.sendActivity(MessageFactory.text('Sorry, something went wrong on my side. Please try again in a minute; if it keeps happening, tell your IT manager.'));
      }
    });
  }
  agent.adaptiveCards.actionExecute(/.*/, async (turn) => runCardAction(turn, deps, activityLogger(turn, deps.logger)));
  // A card invoke the SDK cannot parse (no Action.Execute inside) would otherwise get a 501: answer with a card.
  agent.addRoute(
    async (turn) => turn.activity.type === ActivityTypes.Invoke && turn.activity.name === 'adaptiveCard/action',
    async (turn) => {
      activityLogger(turn, deps.logger).warn('malformed card invoke');
      await turn.sendActivity(
        Activity.fromObject({
          type: ActivityTypes.InvokeResponse,
          value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: staleCard('bad-data') } },
        }),
      );
    },
    true,
    RouteRank.Last,
  );
  adapter.onTurnError = async (turn, err) => {
    activityLogger(turn, deps.logger).error({ err }, 'turn failed');
  };
  return { adapter, agent, channelTokens };
}
