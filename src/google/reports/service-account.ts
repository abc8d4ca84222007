import { readFileSync } from 'node:fs';
import { JWT } from 'google-auth-library';
import { ErrorCode, LanternError } from '../../errors.js';

/** Google's OAuth token endpoint, which the JWT library has built in. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** The read-only scope of the Reports API audit logs; grant it to the service account's client id under domain-wide delegation. */
export const REPORTS_AUDIT_SCOPE = 'https://www.googleapis.com/auth/admin.reports.audit.readonly';

/** The fields of a service account JSON key that signing needs. */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: string;
  keyId?: string;
}

/** Reads and checks a service account JSON key, with messages that say which file and what is wrong. */
export function readServiceAccountKey(file: string): ServiceAccountKey {
  const fix = 'set LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE to the JSON key downloaded for the service account';
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new LanternError(ErrorCode.ConfigInvalid, `Cannot read the Google service account key ${file}: ${fix}.`, { cause: err });
  }
  const o = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (typeof o.client_email !== 'string' || typeof o.private_key !== 'string' || !o.private_key.includes('PRIVATE KEY')) {
    throw new LanternError(ErrorCode.ConfigInvalid, `${file} is not a service account key (it needs client_email and private_key): ${fix}.`);
  }
  return { clientEmail: o.client_email, privateKey: o.private_key, ...(typeof o.private_key_id === 'string' ? { keyId: o.private_key_id } : {}) };
}

/** How to build the delegated client. */
export interface DelegatedAuthOptions {
  key: ServiceAccountKey;
  /** The admin user the service account acts as (domain-wide delegation). */
  subject: string;
  scopes: string[];
  /** Where to exchange the signed JWT for a token (default Google's; tests point it at a stand-in). */
  tokenUrl?: string;
}

/**
 * A service account client acting as `subject`. Tokens are cached by the client and refreshed before they
 * expire; a 401 from an API (a token revoked or expired early) triggers one refresh and a retry.
 */
export function createDelegatedAuth(options: DelegatedAuthOptions): JWT {
  const jwt = new JWT({
    email: options.key.clientEmail,
    key: options.key.privateKey,
    ...(options.key.keyId ? { keyId: options.key.keyId } : {}),
    subject: options.subject,
    scopes: options.scopes,
    forceRefreshOnFailure: true,
  });
  const tokenUrl = options.tokenUrl;
  if (tokenUrl && tokenUrl !== GOOGLE_TOKEN_URL) {
    // The JWT library has the token URL built in; redirect it at the transport, for stand-ins and proxies.
    jwt.transporter.interceptors.request.add({
      resolved: async (config) => {
        if (String(config.url) === GOOGLE_TOKEN_URL) config.url = new URL(tokenUrl);
        return config;
      },
    });
  }
  return jwt;
}
