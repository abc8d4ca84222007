import { ErrorCode, LanternError } from '../errors.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

/** True when `host` only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Without Microsoft credentials nothing authenticates /api/messages, so Lantern refuses to listen
 * anywhere but loopback: a demo must never be reachable from the network.
 */
export function assertBindAllowed(host: string, hasCredentials: boolean): void {
  if (hasCredentials || isLoopback(host)) return;
  throw new LanternError(
    ErrorCode.BindRefused,
    `Refusing to listen on ${host}: Lantern has no Microsoft credentials (demo mode), so anyone who can reach it could ` +
      'talk to the bot unauthenticated. Listen on 127.0.0.1 (the default), or configure the bot: set bot.appId in the ' +
      'config file (or LANTERN_BOT_APP_ID) and LANTERN_BOT_APP_SECRET.',
  );
}
