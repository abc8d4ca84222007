import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { isHttpsOrLoopback } from '../config/schema.js';

/**
 * The only issuer Lantern accepts on /api/messages: the Bot Connector service (Microsoft's documented
 * channel-to-bot authentication). Entra-issued tokens are refused, even from Microsoft's first-party tenants
 * that the Agents SDK also trusts: those serve skills, the Emulator and agentic callbacks, none of which
 * Lantern uses, and Entra signing keys are shared by every tenant.
 */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

/** Microsoft's documented allowance for clock skew between the connector and the bot. */
const CLOCK_TOLERANCE_SECONDS = 5 * 60;
/** Far above any real channel token; refuses a megabyte header before any decoding. */
const MAX_TOKEN_CHARS = 16_384;
/** After a failed metadata fetch, unauthenticated callers cannot make Lantern fetch again sooner than this. */
const METADATA_RETRY_MS = 30_000;
const METADATA_MAX_AGE_MS = 24 * 3_600_000;

/** The verified claims of a channel token; `serviceurl` is where the channel expects replies. */
export interface ChannelClaims extends JWTPayload {
  iss: string;
  serviceurl: string;
}

/** Why a request was not authenticated (callers branch on this, never on text). */
export type TokenRefusal = 'no-token' | 'malformed-header' | 'invalid-token' | 'keys-unavailable';

/** The outcome of checking an Authorization header. */
export type TokenCheck =
  | { ok: true; claims: ChannelClaims; endorsements: readonly string[] }
  | { ok: false; reason: TokenRefusal };

/** Checks Bot Framework channel tokens against the published key set. */
export interface ChannelTokenVerifier {
  verify(authorization: string | undefined): Promise<TokenCheck>;
}

/** What the verifier needs: the bot's app id (the audience) and where the keys are published. */
export interface ChannelTokenOptions {
  appId: string;
  openIdMetadataUrl: string;
  clock?: () => Date;
  fetchTimeoutMs?: number;
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

function bearerToken(authorization: string | undefined): string | undefined | null {
  if (authorization === undefined || authorization.trim() === '') return undefined;
  const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization.trim());
  return match && match[1]!.length <= MAX_TOKEN_CHARS ? match[1]! : null;
}

/** A cheap look at the unverified token, so junk is refused without fetching keys. */
function plausible(token: string, appId: string): boolean {
  try {
    const header = decodeProtectedHeader(token);
    const claims = decodeJwt(token);
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    return header.alg === 'RS256' && claims.iss === BOT_FRAMEWORK_ISSUER && audiences.includes(appId);
  } catch {
    return false;
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A verifier for one bot: RS256 signature with a key from the OpenID metadata's jwks_uri, issuer
 * https://api.botframework.com, audience the bot's app id, not expired (5 minutes' skew), and a `serviceurl`
 * claim. The metadata is read on first use and every 24 hours; the key set refreshes itself on an unknown kid.
 */
export function createChannelTokenVerifier(options: ChannelTokenOptions): ChannelTokenVerifier {
  const timeoutMs = options.fetchTimeoutMs ?? 5_000;
  let keySet: { keys: KeySet; loadedAt: number } | undefined;
  let failedAt = -Infinity;
  let loading: Promise<KeySet | undefined> | undefined;

  async function fetchKeySet(): Promise<KeySet> {
    const res = await fetch(options.openIdMetadataUrl, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    if (!res.ok) throw new Error(`OpenID metadata answered ${res.status}`);
    const metadata = (await res.json()) as { jwks_uri?: unknown };
    if (typeof metadata.jwks_uri !== 'string' || !isHttpsOrLoopback(metadata.jwks_uri)) throw new Error('OpenID metadata has no usable jwks_uri');
    return createRemoteJWKSet(new URL(metadata.jwks_uri), { timeoutDuration: timeoutMs, cooldownDuration: METADATA_RETRY_MS, cacheMaxAge: METADATA_MAX_AGE_MS });
  }

  async function currentKeys(): Promise<KeySet | undefined> {
    const now = Date.now();
    if (keySet && now - keySet.loadedAt < METADATA_MAX_AGE_MS) return keySet.keys;
    if (now - failedAt < METADATA_RETRY_MS) return keySet?.keys;
    loading ??= fetchKeySet().then(
      (keys) => {
        keySet = { keys, loadedAt: Date.now() };
        return keys;
      },
      () => {
        failedAt = Date.now();
        return keySet?.keys;
      },
    ).finally(() => {
      loading = undefined;
    });
    return loading;
  }

  return {
    async verify(authorization) {
      const token = bearerToken(authorization);
      if (token === undefined) return { ok: false, reason: 'no-token' };
      if (token === null) return { ok: false, reason: 'malformed-header' };
      if (!plausible(token, options.appId)) return { ok: false, reason: 'invalid-token' };
      const keys = await currentKeys();
      if (!keys) return { ok: false, reason: 'keys-unavailable' };
      try {
        const { payload, protectedHeader } = await jwtVerify(token, keys, {
          issuer: BOT_FRAMEWORK_ISSUER,
          audience: options.appId,
          algorithms: ['RS256'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['exp', 'serviceurl'],
          ...(options.clock ? { currentDate: options.clock() } : {}),
        });
        if (typeof payload.serviceurl !== 'string' || !hostOf(payload.serviceurl)) return { ok: false, reason: 'invalid-token' };
        // The key document lists, per key, the channels it may vouch for (Microsoft's "endorsements").
        const key = keys.jwks()?.keys.find((k) => k.kid === protectedHeader.kid) as { endorsements?: unknown } | undefined;
        const endorsements = Array.isArray(key?.endorsements) ? key.endorsements.filter((e): e is string => typeof e === 'string') : [];
        return { ok: true, claims: payload as ChannelClaims, endorsements };
      } catch {
        return { ok: false, reason: 'invalid-token' };
      }
    },
  };
}

/** True when the activity's serviceUrl has the host the token's `serviceurl` claim names. */
export function serviceUrlMatches(claims: { serviceurl?: unknown } | undefined, serviceUrl: string | undefined): boolean {
  const claimed = serviceHost(claims?.serviceurl);
  return claimed !== undefined && serviceUrl !== undefined && hostOf(serviceUrl) === claimed;
}

/** The host part of a serviceUrl, lower-cased; undefined when it is not a URL. */
export function serviceHost(serviceUrl: unknown): string | undefined {
  return typeof serviceUrl === 'string' ? hostOf(serviceUrl) : undefined;
}
