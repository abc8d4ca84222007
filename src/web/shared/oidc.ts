import * as client from 'openid-client';
import { ErrorCode, LanternError } from '../../errors.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** One OpenID Connect client registration: Google for the pupil pages, a school's Entra app for the dashboard. */
export interface OidcClientSettings {
  /** The provider's issuer URL (https; plain http only for a provider on this machine). */
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** Fetches the provider's discovery document once per issuer (the configuration holds its keys and endpoints). */
export function discoveryCache(settings: OidcClientSettings): () => Promise<client.Configuration> {
  let found: Promise<client.Configuration> | undefined;
  return () => {
    found ??= (async () => {
      const issuer = new URL(settings.issuer);
      // Plain http is allowed only for a provider on this machine (the tests' local OpenID provider).
      const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
      if (issuer.protocol !== 'https:' && !insecure) {
        throw new LanternError(ErrorCode.SignInFailed, `The sign-in issuer ${settings.issuer} must use https.`);
      }
      return client.discovery(issuer, settings.clientId, settings.clientSecret, undefined, insecure ? { execute: [client.allowInsecureRequests] } : undefined);
    })().catch((err: unknown) => {
      found = undefined;
      throw err;
    });
    return found;
  };
}

/** The secrets of one sign-in in flight, kept in a signed cookie until the browser comes back. */
export interface OidcStart {
  state: string;
  nonce: string;
  verifier: string;
}

/**
 * Builds the provider URL for `openid email profile`, with PKCE, state and nonce. `hints` are the provider's own
 * account hints (Google's `hd`, Microsoft's `login_hint`): they only pre-select, the returned claims still decide.
 */
export async function startSignIn(config: client.Configuration, redirectUri: string, hints: Readonly<Record<string, string>> = {}): Promise<{ url: URL; start: OidcStart }> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const params: Record<string, string> = {
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...hints,
  };
  return { url: client.buildAuthorizationUrl(config, params), start: { state, nonce, verifier } };
}

/** Exchanges the code (openid-client checks state, nonce and PKCE) and returns the ID token's claims. */
export async function finishSignIn(config: client.Configuration, currentUrl: URL, start: OidcStart): Promise<client.IDToken | undefined> {
  const tokens = await client.authorizationCodeGrant(config, currentUrl, {
    pkceCodeVerifier: start.verifier,
    expectedState: start.state,
    expectedNonce: start.nonce,
    idTokenExpected: true,
  });
  return tokens.claims();
}

/** True when `domain` is one of the school's own domains or a true subdomain of one. */
export function isOwnDomain(domain: string, ownDomains: readonly string[]): boolean {
  const d = domain.toLowerCase();
  return ownDomains.some((own) => d === own || d.endsWith(`.${own}`));
}
