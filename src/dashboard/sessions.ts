import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Models } from '../stores.js';
import { parseCookies } from '../web/shared/cookies.js';

/** The cookie holding the dashboard session token (nothing else: the session itself is in the database). */
export const SESSION_COOKIE = 'lantern_dsl';
/** A working day: long enough for a DSL's shift, short enough for a shared staffroom computer. */
export const SESSION_SECONDS = 8 * 60 * 60;

/** A session as stored. */
export interface DashboardSession {
  _id: string;
  schoolId: string;
  email: string;
  name: string;
  csrf: string;
  via: 'entra' | 'demo';
  createdAt: Date;
  expiresAt: Date;
}

type Sessions = Models['dashboardSessions'];

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Stores a new session and returns the token for the cookie; sessions already past their expiry are removed. */
export async function createSession(sessions: Sessions, input: Pick<DashboardSession, 'schoolId' | 'email' | 'name' | 'via'>, now: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await sessions.deleteMany({ expiresAt: { $lt: now } });
  await sessions.create({ _id: digest(token), ...input, csrf: randomBytes(24).toString('base64url'), createdAt: now, expiresAt: new Date(now.getTime() + SESSION_SECONDS * 1000) });
  return token;
}

/** The session a token names, or null when it is unknown or expired. */
export async function sessionForToken(sessions: Sessions, token: string, now: Date): Promise<DashboardSession | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const found = await sessions.findById(digest(token)).lean<DashboardSession>();
  return found && found.expiresAt.getTime() > now.getTime() ? found : null;
}

/** The session of a request's cookie, or null. */
export async function readSession(sessions: Sessions, req: Request, now: Date): Promise<DashboardSession | null> {
  const token = parseCookies(req).get(SESSION_COOKIE);
  return token ? sessionForToken(sessions, token, now) : null;
}

/** Ends the request's session (sign out). */
export async function endSession(sessions: Sessions, req: Request): Promise<void> {
  const token = parseCookies(req).get(SESSION_COOKIE);
  if (token) await sessions.deleteOne({ _id: digest(token) });
}

/**
 * Cookie attributes: over https the cookie must be SameSite=None (and Partitioned) to work inside the Teams
 * tab's frame; the CSRF token in every form, bound to the session, is what protects posts then. Over plain
 * http (the loopback demo) it stays SameSite=Lax.
 */
function attributes(secure: boolean): string[] {
  return secure ? ['Path=/dashboard', 'HttpOnly', 'Secure', 'SameSite=None', 'Partitioned'] : ['Path=/dashboard', 'HttpOnly', 'SameSite=Lax'];
}

/** Sets the session cookie. */
export function setSessionCookie(res: Response, token: string, secure: boolean): void {
  res.append('Set-Cookie', [`${SESSION_COOKIE}=${token}`, `Max-Age=${SESSION_SECONDS}`, ...attributes(secure)].join('; '));
}

/** Removes the session cookie. */
export function clearSessionCookie(res: Response, secure: boolean): void {
  res.append('Set-Cookie', [`${SESSION_COOKIE}=`, 'Max-Age=0', ...attributes(secure)].join('; '));
}

/** True when a posted form's `_csrf` field is the session's token. */
export function csrfMatches(session: Pick<DashboardSession, 'csrf'>, body: unknown): boolean {
  const posted = (body as Record<string, unknown> | undefined)?._csrf;
  if (typeof posted !== 'string') return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(posted);
  return a.length === b.length && timingSafeEqual(a, b);
}
