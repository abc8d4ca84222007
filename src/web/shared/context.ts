import type { Request } from 'express';
import type { LanternConfig, School } from '../../config/load.js';
import type { Models } from '../../stores.js';
import { cookieOptions, type CookieOptions } from './cookie-options.js';
import { loadCookieSecret } from './cookies.js';

/** What every area of Lantern's web pages (sign pages, dashboard) works with besides its own deps. */
export interface WebContext {
  /** The cookie key, loaded once from the database on first use. */
  secret(): Promise<Buffer>;
  school(schoolId: string): School | undefined;
  /** Attributes of every signed cookie the pages set. */
  cookies: CookieOptions;
  /** Lantern's public address (server.publicUrl), else the address this request came to. */
  baseUrl(req: Request): string;
}

/** Builds the shared part once per router, with a lazily loaded cookie key that a failed load does not poison. */
export function webContext(config: LanternConfig, models: Pick<Models, 'webSecrets'>): WebContext {
  let secret: Promise<Buffer> | undefined;
  return {
    secret() {
      secret ??= loadCookieSecret(models.webSecrets).catch((err: unknown) => {
        secret = undefined;
        throw err;
      });
      return secret;
    },
    school: (schoolId) => config.schools.find((s) => s.id === schoolId),
    cookies: cookieOptions(config.server),
    baseUrl: (req) => config.server.publicUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`,
  };
}
