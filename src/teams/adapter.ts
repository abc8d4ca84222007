import { CloudAdapter, type AuthConfiguration } from '@microsoft/agents-hosting';
import type { LanternConfig } from '../config/load.js';
import { ErrorCode, LanternError } from '../errors.js';
import { BOT_FRAMEWORK_ISSUER } from './channel-token.js';

/**
 * The bot's auth settings, built from Lantern's config. Every key is present (even when undefined) and the
 * connections map is explicit, because the SDK otherwise fills gaps from environment variables such as
 * CLIENTID or Connections__*: a stray variable must not silently change who may call /api/messages.
 * Lantern verifies inbound tokens itself (channel-token.ts); the issuer settings here keep the SDK's own check,
 * wherever it runs, to Bot Framework channel tokens as well.
 */
export function botAuthConfiguration(config: LanternConfig): AuthConfiguration {
  const connection = {
    clientId: config.bot?.appId,
    clientSecret: config.bot?.appSecret,
    tenantId: config.bot?.tenantId,
    issuers: [BOT_FRAMEWORK_ISSUER],
    validateIssuer: true,
  };
  return {
    ...connection,
    connections: new Map([['serviceConnection', connection]]),
    connectionsMap: [{ serviceUrl: '*', connection: 'serviceConnection' }],
  } as unknown as AuthConfiguration;
}

/**
 * Builds Lantern's one Agents SDK adapter: start-up makes it and hands it to the bot (inbound activities) and
 * to the proactive sender (cards posted by jobs and card actions), so both speak with the same credentials.
 */
export function createAdapter(config: LanternConfig): CloudAdapter {
  try {
    // Explicit options, so CloudAdapterOptions__* in the environment cannot turn the serviceUrl check off.
    return new CloudAdapter(botAuthConfiguration(config), undefined, undefined, { validateServiceUrl: true, emitStackTrace: false });
  } catch (err) {
    // The SDK refuses anonymous mode when NODE_ENV=production.
    throw new LanternError(
      ErrorCode.ConfigInvalid,
      'The Microsoft 365 Agents SDK needs bot credentials when NODE_ENV=production: set bot.appId and LANTERN_BOT_APP_SECRET, or unset NODE_ENV to run the demo.',
      { cause: err },
    );
  }
}
