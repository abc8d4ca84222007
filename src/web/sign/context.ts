import type { LanternConfig, School } from '../../config/load.js';
import type { Models } from '../../db/models.js';
import type { Logger } from '../../log/logger.js';
import { cookieOptions, type CookieOptions } from '../cookie-options.js';
import { loadCookieSecret } from './cookies.js';

/** Google sign-in (OpenID Connect) settings for the pupil page; null when not configured. */
export interface PupilSignInSettings {
  /** https://accounts.google.com in production; a local provider in tests. */
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** What the sign pages need, injected by the server (or a test). */
export interface SignDeps {
  config: LanternConfig;
  models: Models;
  logger: Logger;
  clock: () => Date;
  signIn: PupilSignInSettings | null;
}

/** SignDeps plus the cookie key, loaded once from the database on first use. */
export interface SignContext extends SignDeps {
  secret(): Promise<Buffer>;
  school(schoolId: string): School | undefined;
  /** Attributes of every cookie the sign pages set. */
  cookies: CookieOptions;
}

/** Wraps the deps with a lazily loaded, shared cookie key. */
export function signContext(deps: SignDeps): SignContext {
  let secret: Promise<Buffer> | undefined;
  return {
    ...deps,
    secret() {
      secret ??= loadCookieSecret(deps.models.webSecrets).catch((err: unknown) => {
        secret = undefined;
        throw err;
      });
      return secret;
    },
    school: (schoolId) => deps.config.schools.find((s) => s.id === schoolId),
    cookies: cookieOptions(deps.config.server),
  };
}

/** Client details kept with a signature as evidence: address and browser, nothing else. */
export function clientDetails(req: { ip?: string | undefined; headers: Record<string, string | string[] | undefined> }): { ip: string; userAgent: string } {
  const ua = req.headers['user-agent'];
  return { ip: req.ip ?? '', userAgent: (typeof ua === 'string' ? ua : '').slice(0, 300) };
}
