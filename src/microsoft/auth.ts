import { createHash } from 'node:crypto';
import { ConfidentialClientApplication, type Configuration, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { ErrorCode, isLanternError, LanternError } from '../errors.js';
import { classifyFailure } from '../http/failure-cause.js';

/** The public cloud's sign-in host; MSAL knows its metadata without asking the network. */
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

/** The resource scope of Microsoft Graph, for app-only tokens. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** The resource scope of the Office 365 Management Activity API, for app-only tokens. */
export const MANAGE_SCOPE = 'https://manage.office.com/.default';

/** App-only credentials of one tenant. */
export interface AppCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Sign-in host, e.g. https://login.microsoftonline.com or a national cloud's; an http loopback host is allowed for stand-ins. */
  authorityHost?: string;
}

/** Gets app-only access tokens for a resource (`https://manage.office.com/.default`, `https://graph.microsoft.com/.default`). */
export interface AppTokenProvider {
  /** A cached token while it is valid; `fresh` skips the cache (after a 401: the token was revoked or expired early). */
  token(scope: string, options?: { fresh?: boolean }): Promise<string>;
}

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

/** MSAL's HTTP calls, with an https loopback authority sent over plain http (MSAL insists on https authorities). */
function loopbackNetwork(httpOrigin: string, httpsOrigin: string): INetworkModule {
  const call = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    const target = url.startsWith(httpsOrigin) ? httpOrigin + url.slice(httpsOrigin.length) : url;
    const res = await fetch(target, { method, ...(options?.headers ? { headers: options.headers } : {}), ...(options?.body !== undefined ? { body: options.body } : {}) });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    const text = await res.text();
    return { headers, body: (text ? JSON.parse(text) : {}) as T, status: res.status };
  };
  return {
    sendGetRequestAsync: (url, options) => call('GET', url, options),
    sendPostRequestAsync: (url, options) => call('POST', url, options),
  };
}

/** MSAL configuration for one tenant; hosts other than the public cloud get their metadata given, so nothing is discovered over the network. */
export function msalConfiguration(creds: AppCredentials, networkClient?: INetworkModule): Configuration {
  const configured = (creds.authorityHost ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, '');
  const loopback = LOOPBACK.test(configured);
  const httpsOrigin = loopback ? configured.replace(/^http:/, 'https:') : configured;
  const authority = `${httpsOrigin}/${creds.tenantId}`;
  const auth: Configuration['auth'] = { clientId: creds.clientId, clientSecret: creds.clientSecret, authority };
  if (httpsOrigin !== DEFAULT_AUTHORITY_HOST) {
    const host = new URL(httpsOrigin).host;
    auth.knownAuthorities = [host];
    auth.cloudDiscoveryMetadata = JSON.stringify({
      tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
    auth.authorityMetadata = JSON.stringify({
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
      issuer: `${authority}/v2.0`,
    });
  }
  const network = networkClient ?? (loopback ? loopbackNetwork(configured, httpsOrigin) : undefined);
  return { auth, ...(network ? { system: { networkClient: network } } : {}) };
}

/** How to reach the sign-in host: tests pass an MSAL HTTP client that reaches a local stand-in. */
export interface AppTokenOptions {
  networkClient?: INetworkModule;
}

// One client per tenant, app and secret for the life of the process, so its in-memory token cache is reused
// by every caller (audit polls, directory reads, mail, remediation). A stand-in's network client gets its own.
const clients = new Map<string, ConfidentialClientApplication>();
const standInClients = new WeakMap<INetworkModule, Map<string, ConfidentialClientApplication>>();

function clientsFor(networkClient: INetworkModule | undefined): Map<string, ConfidentialClientApplication> {
  if (!networkClient) return clients;
  let map = standInClients.get(networkClient);
  if (!map) standInClients.set(networkClient, (map = new Map()));
  return map;
}

/**
 * MSAL reports every failure to reach the sign-in host as "network_error" and drops the cause, so the host is
 * tried once more directly to name it (DNS, refused, TLS); a sign-in problem is never blamed on the secret.
 */
async function unreachableSignIn(authorityHost: string, err: unknown): Promise<LanternError> {
  const api = `Microsoft sign-in (${new URL(authorityHost).host})`;
  const probe = await fetch(authorityHost, { method: 'HEAD', signal: AbortSignal.timeout(10_000) }).then(() => undefined, (e: unknown) => e);
  const diagnosed = probe === undefined ? undefined : classifyFailure(probe, { api, url: authorityHost });
  if (isLanternError(diagnosed)) return diagnosed;
  return new LanternError(ErrorCode.MonitorSourceUnreachable, `${api} could not be reached (network_error): check this machine's internet access and proxy; Lantern tries again at the next poll.`, { cause: err });
}

/** The token provider of a tenant (one MSAL client per tenant, app and host, its cache shared by every caller). */
export function appTokenProvider(creds: AppCredentials, options: AppTokenOptions = {}): AppTokenProvider {
  const secret = createHash('sha256').update(creds.clientSecret).digest('base64url').slice(0, 16);
  const cacheKey = `${creds.authorityHost ?? DEFAULT_AUTHORITY_HOST}|${creds.tenantId}|${creds.clientId}|${secret}`;
  const cache = clientsFor(options.networkClient);
  let client = cache.get(cacheKey);
  if (!client) {
    client = new ConfidentialClientApplication(msalConfiguration(creds, options.networkClient));
    cache.set(cacheKey, client);
  }
  const msal = client;
  return {
    async token(scope, options = {}) {
      try {
        const result = await msal.acquireTokenByClientCredential({ scopes: [scope], ...(options.fresh ? { skipCache: true } : {}) });
        if (!result?.accessToken) throw new Error('no access token in the response');
        return result.accessToken;
      } catch (err) {
        const code = (err as { errorCode?: unknown }).errorCode;
        if (code === 'network_error') throw await unreachableSignIn(creds.authorityHost ?? DEFAULT_AUTHORITY_HOST, err);
        throw new LanternError(
          ErrorCode.MonitorSourceAuth,
          `Microsoft sign-in for tenant ${creds.tenantId} failed${typeof code === 'string' ? ` (${code})` : ''}: check the app's client id and secret (LANTERN_MS_CLIENT_SECRET or the per-school variable) and that an admin granted it consent.`,
          { cause: err },
        );
      }
    },
  };
}
