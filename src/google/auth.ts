import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { OAuth2Client } from 'google-auth-library';
import { ErrorCode, LanternError } from '../errors.js';

/** Google's OAuth token endpoint; a stand-in in tests. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

const KEY_VARIABLE = 'LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE';

/** The fields of a service account JSON key that signing needs. */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: string;
  keyId?: string;
}

/** How a caller wants a key problem reported: its error code, and what the delegation is for. */
export interface KeyReadOptions {
  /** Default ConfigInvalid. */
  code?: ErrorCode;
  /** Said when the variable is unset: "Cannot send by Gmail: " before the fix. */
  prefix?: string;
  /** The scopes the delegation needs, in words ("the Classroom scopes"). */
  purpose?: string;
}

/** Reads and checks a service account JSON key, with messages that name the variable, the file and what is wrong. */
export function readServiceAccountKey(file: string | null | undefined, options: KeyReadOptions = {}): ServiceAccountKey {
  const code = options.code ?? ErrorCode.ConfigInvalid;
  const fix = `set ${KEY_VARIABLE} to the JSON key downloaded for the service account`;
  if (!file) {
    throw new LanternError(code, `${options.prefix ?? ''}${KEY_VARIABLE} is not set: set it to the JSON key of the service account that has domain-wide delegation${options.purpose ? ` for ${options.purpose}` : ''}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new LanternError(code, `Cannot read the Google service account key ${file}: ${fix}.`, { cause: err });
  }
  const o = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (typeof o.client_email !== 'string' || typeof o.private_key !== 'string' || !o.private_key.includes('PRIVATE KEY')) {
    throw new LanternError(code, `${file} is not a service account key (it needs client_email and private_key): ${fix}.`);
  }
  return { clientEmail: o.client_email, privateKey: o.private_key, ...(typeof o.private_key_id === 'string' ? { keyId: o.private_key_id } : {}) };
}

/** How to build one delegated client. */
export interface DelegationOptions {
  key: ServiceAccountKey;
  /** The user the service account acts as (domain-wide delegation). */
  subject: string;
  scopes: readonly string[];
  /** Where to exchange the signed assertion for a token (default Google's; tests point it at a stand-in). */
  tokenUrl?: string;
  /** On a 401/403 from an API, fetch a fresh token and try once more (a token revoked or expired early). */
  refreshOnAuthFailure?: boolean;
}

/**
 * An OAuth client acting as `subject` through domain-wide delegation: a JWT assertion signed with the service
 * account's key is exchanged at the token endpoint (RFC 7523). The library caches the token and calls the
 * handler again near its expiry. Done here rather than by google-auth-library's JWT class, whose token URL is
 * fixed, so that stand-ins and proxies work without patching its transport.
 */
export function delegatedClient(options: DelegationOptions): OAuth2Client {
  const { key, subject, scopes } = options;
  const tokenUrl = options.tokenUrl ?? GOOGLE_TOKEN_URL;
  const client = new OAuth2Client({ forceRefreshOnFailure: options.refreshOnAuthFailure ?? false });
  client.refreshHandler = async () => {
    const now = Math.floor(Date.now() / 1000);
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', ...(key.keyId ? { kid: key.keyId } : {}) })).toString('base64url');
    const claims = Buffer.from(JSON.stringify({ iss: key.clientEmail, sub: subject, scope: scopes.join(' '), aud: tokenUrl, iat: now, exp: now + 3600 })).toString('base64url');
    const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(key.privateKey, 'base64url');
    const res = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: `${header}.${claims}.${signature}` }),
    });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
    if (!res.ok || !body.access_token) {
      // unauthorized_client here nearly always means the delegation for these scopes is missing in the Admin console.
      throw Object.assign(new Error(`token request for ${subject} failed: ${body.error ?? res.status} ${body.error_description ?? ''}`.trim()), { status: res.status === 400 || res.status === 401 ? 403 : res.status });
    }
    return { access_token: body.access_token, expiry_date: (now + (body.expires_in ?? 3600)) * 1000 };
  };
  return client;
}

/** Makes the delegated client of a user for some scopes; one per (subject, scopes), so its token is reused. */
export type GoogleAuthFactory = (subject: string, scopes: readonly string[]) => OAuth2Client;

/** Where the key is and how to reach Google, for a factory. */
export interface GoogleAuthSettings extends KeyReadOptions {
  keyFile: string | null | undefined;
  tokenUrl?: string;
  refreshOnAuthFailure?: boolean;
}

/** Reads the service account key once and returns delegated clients made from it, cached per subject and scopes. */
export function googleAuthFactory(settings: GoogleAuthSettings): GoogleAuthFactory {
  const key = readServiceAccountKey(settings.keyFile, settings);
  const clients = new Map<string, OAuth2Client>();
  return (subject, scopes) => {
    const id = `${subject}|${[...scopes].sort().join(' ')}`;
    let client = clients.get(id);
    if (!client) {
      client = delegatedClient({
        key,
        subject,
        scopes,
        ...(settings.tokenUrl ? { tokenUrl: settings.tokenUrl } : {}),
        ...(settings.refreshOnAuthFailure ? { refreshOnAuthFailure: true } : {}),
      });
      clients.set(id, client);
    }
    return client;
  };
}

/** googleapis' `rootUrl` option for an API root given in config (a stand-in in tests); it must end in a slash. */
export function apiRoot(rootUrl: string | undefined): { rootUrl?: string } {
  return rootUrl ? { rootUrl: rootUrl.endsWith('/') ? rootUrl : `${rootUrl}/` } : {};
}
