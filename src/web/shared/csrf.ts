import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { CookieOptions } from './cookie-options.js';
import { readSignedCookie, setSignedCookie } from './cookies.js';

/** The cookie that carries the per-session CSRF token; the same token goes in each form's hidden `_csrf` field. */
export const CSRF_COOKIE = 'lantern_csrf';
const CSRF_SECONDS = 4 * 60 * 60;

/** Returns the session's CSRF token, making (and setting) one when the browser has none yet. */
export function csrfToken(req: Request, res: Response, secret: Buffer, now: Date, options: CookieOptions): string {
  const existing = readSignedCookie<{ t: string }>(req, CSRF_COOKIE, secret, now);
  if (existing && typeof existing.t === 'string') return existing.t;
  const t = randomBytes(32).toString('base64url');
  setSignedCookie(res, CSRF_COOKIE, { t }, secret, now, CSRF_SECONDS, options);
  return t;
}

/** True when the posted `_csrf` field matches the signed cookie; a missing field or cookie fails. */
export function csrfValid(req: Request, secret: Buffer, now: Date): boolean {
  const cookie = readSignedCookie<{ t: string }>(req, CSRF_COOKIE, secret, now);
  const posted: unknown = (req.body as Record<string, unknown> | undefined)?._csrf;
  if (!cookie || typeof cookie.t !== 'string' || typeof posted !== 'string') return false;
  const a = Buffer.from(cookie.t);
  const b = Buffer.from(posted);
  return a.length === b.length && timingSafeEqual(a, b);
}
