import type { LanternConfig } from '../../config/load.js';
import type { Models } from '../../stores.js';
import type { Logger } from '../../log/logger.js';
import { webContext, type WebContext } from '../shared/context.js';
import type { OidcClientSettings } from '../shared/oidc.js';

/** Google sign-in (OpenID Connect) settings for the pupil page (https://accounts.google.com in production; a local provider in tests). */
export type PupilSignInSettings = OidcClientSettings;

/** What the sign pages need, injected by the server (or a test). */
export interface SignDeps {
  config: LanternConfig;
  models: Models;
  logger: Logger;
  clock: () => Date;
  signIn: PupilSignInSettings | null;
}

/** SignDeps plus what every web area shares (cookie key, schools, cookie attributes, public address). */
export interface SignContext extends SignDeps, WebContext {}

/** Wraps the deps once per router. */
export function signContext(deps: SignDeps): SignContext {
  return { ...deps, ...webContext(deps.config, deps.models) };
}

/** Client details kept with a signature as evidence: address and browser, nothing else. */
export function clientDetails(req: { ip?: string | undefined; headers: Record<string, string | string[] | undefined> }): { ip: string; userAgent: string } {
  const ua = req.headers['user-agent'];
  return { ip: req.ip ?? '', userAgent: (typeof ua === 'string' ? ua : '').slice(0, 300) };
}
