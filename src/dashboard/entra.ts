import type * as client from 'openid-client';
import type { School } from '../config/load.js';
import { ErrorCode, LanternError } from '../errors.js';
import { discoveryCache, finishSignIn, isOwnDomain, type OidcStart } from '../web/shared/oidc.js';
import type { EntraSignIn } from './sign-in-settings.js';

/** What the dashboard keeps (in a signed cookie) between sending someone to Entra and their return. */
export interface DashboardSignInStart extends OidcStart {
  schoolId: string;
  /** Started from inside the Teams tab: finish in the pop-up window and hand the session to the tab. */
  popup: boolean;
  /** The pop-up was opened by Teams (teams-js authentication.authenticate), so the hand-off goes through teams-js. */
  teams?: boolean;
}

/** The person Entra vouched for. */
export interface EntraIdentity {
  /** The sign-in name (UPN), lower case; falls back to the email claim. */
  email: string;
  name: string;
  tenantId: string | undefined;
  objectId: string | undefined;
}

/** One discovery document per issuer and app, fetched on first use and kept (it holds the signing keys). */
export function entraDiscovery(): (settings: EntraSignIn) => Promise<client.Configuration> {
  const caches = new Map<string, () => Promise<client.Configuration>>();
  return (settings) => {
    const key = `${settings.issuer} ${settings.clientId}`;
    let cache = caches.get(key);
    if (!cache) {
      cache = discoveryCache(settings);
      caches.set(key, cache);
    }
    return cache();
  };
}

/** Exchanges the code (state, nonce and PKCE checked by openid-client) and reads who signed in. */
export async function finishEntraSignIn(config: client.Configuration, currentUrl: URL, start: DashboardSignInStart): Promise<EntraIdentity> {
  const claims = await finishSignIn(config, currentUrl, start);
  // Entra puts the sign-in name in preferred_username; email is an optional claim some tenants add.
  const login = typeof claims?.preferred_username === 'string' ? claims.preferred_username : typeof claims?.email === 'string' ? claims.email : '';
  if (!claims || !login.includes('@')) {
    throw new LanternError(ErrorCode.SignInFailed, 'The Microsoft sign-in did not say who signed in (no preferred_username or email claim); ask IT to check the app registration.');
  }
  return {
    email: login.toLowerCase(),
    name: typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : login,
    tenantId: typeof claims.tid === 'string' ? claims.tid.toLowerCase() : undefined,
    objectId: typeof claims.oid === 'string' ? claims.oid : undefined,
  };
}

/**
 * Why an identity from the school's tenant still cannot be trusted as one of its staff, or undefined: the
 * token must come from the school's tenant and name an account of one of its own domains (guests and other
 * tenants' accounts never match a DSL team member by accident).
 */
export function identityProblem(identity: EntraIdentity, school: School, settings: EntraSignIn): string | undefined {
  if (identity.tenantId && identity.tenantId !== settings.tenantId.toLowerCase()) return 'signed in with an account of another Microsoft tenant';
  const domain = identity.email.split('@')[1] ?? '';
  if (!isOwnDomain(domain, school.ownDomains)) return 'signed in with an account outside the school’s own domains';
  return undefined;
}
