import * as client from 'openid-client';
import { ErrorCode, LanternError } from '../../errors.js';
import type { PupilSignInSettings } from '../sign/context.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Fetches the provider's discovery document once per issuer (the configuration holds its keys and endpoints). */
export function discoveryCache(settings: PupilSignInSettings): () => Promise<client.Configuration> {
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

/** What Lantern keeps (in a signed cookie) between sending the pupil to sign in and their return. */
export interface SignInStart {
  state: string;
  nonce: string;
  verifier: string;
  schoolId: string;
  returnTo: string;
}

/** Builds the provider URL for `openid email profile`, with PKCE, state, nonce and a hosted-domain hint. */
export async function startSignIn(config: client.Configuration, redirectUri: string, hd: string | undefined): Promise<{ url: URL; start: Omit<SignInStart, 'schoolId' | 'returnTo'> }> {
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
    // Google shows only accounts of this domain; the returned hd claim is still checked.
    ...(hd ? { hd } : {}),
  };
  return { url: client.buildAuthorizationUrl(config, params), start: { state, nonce, verifier } };
}

/** The identity claims Lantern uses from the ID token. */
export interface SignedInIdentity {
  sub: string;
  email: string;
  emailVerified: boolean;
  hd: string | undefined;
}

/** Exchanges the code (checking state, nonce and PKCE) and reads the ID token's claims. */
export async function finishSignIn(config: client.Configuration, currentUrl: URL, start: SignInStart): Promise<SignedInIdentity> {
  const tokens = await client.authorizationCodeGrant(config, currentUrl, {
    pkceCodeVerifier: start.verifier,
    expectedState: start.state,
    expectedNonce: start.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims || typeof claims.email !== 'string') {
    throw new LanternError(ErrorCode.SignInFailed, 'The sign-in did not include an email address; ask IT to allow the email scope.');
  }
  return {
    sub: claims.sub,
    email: claims.email.toLowerCase(),
    emailVerified: claims.email_verified === true,
    hd: typeof claims.hd === 'string' ? claims.hd.toLowerCase() : undefined,
  };
}

/** True when `domain` is one of the school's own domains or a true subdomain of one. */
export function isOwnDomain(domain: string, ownDomains: readonly string[]): boolean {
  const d = domain.toLowerCase();
  return ownDomains.some((own) => d === own || d.endsWith(`.${own}`));
}
