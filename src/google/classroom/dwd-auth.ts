import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { google } from 'googleapis';
import type { OAuth2Client } from 'google-auth-library';
import { ErrorCode, LanternError } from '../../errors.js';

/** Google's OAuth token endpoint; a stand-in in tests. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** A service account's key, as downloaded from Google Cloud (only the fields used). */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
}

/** Reads LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE; the error says how to fix a missing or wrong file. */
export function readServiceAccountKey(keyFile: string | null): ServiceAccountKey {
  if (!keyFile) {
    throw new LanternError(ErrorCode.ClassroomFailed, 'LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE is not set: set it to the JSON key of the service account that has domain-wide delegation for the Classroom scopes.');
  }
  let key: Partial<ServiceAccountKey>;
  try {
    key = JSON.parse(readFileSync(keyFile, 'utf8')) as Partial<ServiceAccountKey>;
  } catch (err) {
    throw new LanternError(ErrorCode.ClassroomFailed, `Cannot read the service-account key ${keyFile}: it must be the JSON key file downloaded from Google Cloud.`, { cause: err });
  }
  if (typeof key.client_email !== 'string' || typeof key.private_key !== 'string') {
    throw new LanternError(ErrorCode.ClassroomFailed, `The key file ${keyFile} has no client_email/private_key: download a JSON key for the service account.`);
  }
  return { client_email: key.client_email, private_key: key.private_key };
}

/**
 * An OAuth client acting as `subject` through domain-wide delegation: a JWT assertion signed with the service
 * account's key is exchanged at the token endpoint (RFC 7523). Done here, not by google-auth-library's JWT
 * class, because that posts to a fixed Google URL and the tests need a local stand-in.
 */
export function delegatedClient(key: ServiceAccountKey, subject: string, scopes: readonly string[], tokenUrl = GOOGLE_TOKEN_URL): OAuth2Client {
  const client = new google.auth.OAuth2();
  // The library calls this whenever it has no valid access token (first call, and near expiry).
  client.refreshHandler = async () => {
    const now = Math.floor(Date.now() / 1000);
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
    const claims = Buffer.from(JSON.stringify({ iss: key.client_email, sub: subject, scope: scopes.join(' '), aud: tokenUrl, iat: now, exp: now + 3600 })).toString('base64url');
    const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(key.private_key, 'base64url');
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
