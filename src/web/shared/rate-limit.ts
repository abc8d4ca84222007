import type { RequestHandler } from 'express';

/** How many requests one address may make in a window; beyond that it is answered 429 until the window ends. */
export interface RateLimitSettings {
  windowMs: number;
  max: number;
}

/** Most addresses remembered at once; the oldest windows are dropped first, so a flood of addresses cannot grow memory. */
const MAX_TRACKED = 10_000;

/**
 * A fixed-window counter per client address (`req.ip`, which honours only the trusted proxy). One instance per router:
 * several Lantern instances each count their own, which is enough to stop guessing and floods at one page.
 */
export function rateLimitByIp(settings: RateLimitSettings, onLimited: RequestHandler, clock: () => number = Date.now): RequestHandler {
  const windows = new Map<string, { start: number; count: number }>();
  return (req, res, next) => {
    const now = clock();
    const key = req.ip ?? '';
    let w = windows.get(key);
    if (!w || now - w.start >= settings.windowMs) {
      windows.delete(key);
      if (windows.size >= MAX_TRACKED) windows.delete(windows.keys().next().value ?? '');
      w = { start: now, count: 0 };
      windows.set(key, w);
    }
    w.count++;
    if (w.count > settings.max) {
      res.set('Retry-After', String(Math.ceil((w.start + settings.windowMs - now) / 1000)));
      return onLimited(req, res, next);
    }
    next();
  };
}
