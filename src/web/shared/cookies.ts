import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Models } from '../../stores.js';
import { isDuplicateKey } from '../../db/errors.js';
import type { CookieOptions } from './cookie-options.js';

const SECRET_ID = 'sign-cookies';

/**
 * The key every instance signs cookies with: made once by a unique insert and read from the database, so any
 * instance behind a load balancer accepts any other's cookies and nothing depends on one process's memory.
 */
export async function loadCookieSecret(secrets: Models['webSecrets']): Promise<Buffer> {
  const existing = await secrets.findById(SECRET_ID).lean<{ secret: string }>();
  if (existing) return Buffer.from(existing.secret, 'base64url');
  try {
    await secrets.create({ _id: SECRET_ID, secret: randomBytes(32).toString('base64url'), createdAt: new Date() });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  const made = await secrets.findById(SECRET_ID).lean<{ secret: string }>();
  if (!made) throw new Error('The cookie key could not be read back from the database.');
  return Buffer.from(made.secret, 'base64url');
}

function mac(secret: Buffer, name: string, body: string): string {
  // The cookie name is part of the MAC so a value signed for one cookie cannot be replayed as another.
  return createHmac('sha256', secret).update(`${name}.${body}`).digest('base64url');
}

/** Reads every cookie of a request (no cookie-parser: a few lines are enough and add no dependency). */
export function parseCookies(req: Request): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const key = part.slice(0, eq).trim();
    if (!out.has(key)) out.set(key, part.slice(eq + 1).trim());
  }
  return out;
}

/** Reads a signed cookie; null when it is missing, forged, altered or past its expiry. */
export function readSignedCookie<T extends object>(req: Request, name: string, secret: Buffer, now: Date): T | null {
  const raw = parseCookies(req).get(name);
  if (!raw) return null;
  const dot = raw.lastIndexOf('.');
  if (dot < 1) return null;
  const body = raw.slice(0, dot);
  const given = Buffer.from(raw.slice(dot + 1));
  const expected = Buffer.from(mac(secret, name, body));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T & { exp?: number };
    if (typeof value.exp !== 'number' || value.exp <= now.getTime()) return null;
    return value;
  } catch {
    return null;
  }
}

function attributes(maxAgeSeconds: number, options: CookieOptions): string[] {
  return ['Path=/', `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax', ...(options.secure ? ['Secure'] : [])];
}

/** Sets a signed, HttpOnly, SameSite=Lax cookie holding `value` until `maxAgeSeconds` from now. */
export function setSignedCookie(res: Response, name: string, value: object, secret: Buffer, now: Date, maxAgeSeconds: number, options: CookieOptions): void {
  const body = Buffer.from(JSON.stringify({ ...value, exp: now.getTime() + maxAgeSeconds * 1000 })).toString('base64url');
  res.append('Set-Cookie', [`${name}=${body}.${mac(secret, name, body)}`, ...attributes(maxAgeSeconds, options)].join('; '));
}

/** Removes a cookie (with the attributes it was set with, so the browser replaces it). */
export function clearCookie(res: Response, name: string, options: CookieOptions): void {
  res.append('Set-Cookie', [`${name}=`, ...attributes(0, options)].join('; '));
}
