import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import type { LanternConfig } from '../config/load.js';
import { isLoopback } from './bind-guard.js';

/** The hostname of a Host header ("[::1]:3978" → "[::1]"), lower-cased; null when it is not a host[:port]. */
function hostnameOf(header: string | undefined): string | null {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i.exec(header ?? '');
  return match?.[1]?.toLowerCase() ?? null;
}

/**
 * Which Host names Lantern answers, or null for any. A DNS-rebinding page always sends its own name as Host,
 * never an IP address, so:
 * - without bot credentials (the loopback demo: bot and demo sign-in unauthenticated) only loopback names and
 *   the publicUrl's host are served;
 * - with credentials and a publicUrl, also any IP address (probes and load balancers address an instance by IP);
 * - with credentials and no publicUrl Lantern cannot know its public name, and every route that acts is
 *   authenticated, so any Host is served.
 */
export function allowedHost(config: Pick<LanternConfig, 'bot' | 'server'>): ((hostname: string) => boolean) | null {
  const credentials = config.bot !== null;
  const publicHost = config.server.publicUrl ? new URL(config.server.publicUrl).hostname.toLowerCase() : null;
  if (credentials && !publicHost) return null;
  return (hostname) => isLoopback(hostname) || hostname === publicHost || (credentials && isIP(hostname.replace(/^\[|\]$/g, '')) !== 0);
}

/** Answers 421 Misdirected Request to a request whose Host Lantern does not serve (see allowedHost). */
export function hostGuard(config: Pick<LanternConfig, 'bot' | 'server'>): RequestHandler {
  const allowed = allowedHost(config);
  return (req, res, next) => {
    if (!allowed) return next();
    const hostname = hostnameOf(req.headers.host);
    if (hostname && allowed(hostname)) return next();
    req.log?.warn({ host: req.headers.host?.slice(0, 100) }, 'request for a host name Lantern does not serve');
    res.status(421).json({ error: 'Lantern does not answer for this host name. Open it at the address it was set up with (http://127.0.0.1:PORT for the demo).', requestId: req.id });
  };
}
