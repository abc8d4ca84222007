import { readFileSync } from 'node:fs';
import { google, type gmail_v1 } from 'googleapis';
import { ErrorCode, LanternError } from '../errors.js';
import { httpFailureOf } from '../http/failure.js';
import { MailProviderError, type MailTransport, type SentMessage } from './transport.js';

const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
// gmail.send to send; gmail.readonly only to find a sent digest by its Message-ID after an unknown outcome
// (gmail.metadata does not allow search). Domain-wide delegation grants both for the sender mailbox only.
const SCOPES = ['https://www.googleapis.com/auth/gmail.send', 'https://www.googleapis.com/auth/gmail.readonly'];

/** Settings of the Gmail transport; `keyFile` is LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE. */
export interface GmailOptions {
  keyFile: string | null;
  /** Gmail API root (default https://gmail.googleapis.com/); a stand-in in tests. */
  apiUrl?: string;
  /** OAuth token endpoint (default Google's); a stand-in in tests. */
  tokenUrl?: string;
}

function readKey(keyFile: string | null): { client_email: string; private_key: string } {
  if (!keyFile) {
    throw new LanternError(ErrorCode.MailNotConfigured, 'Cannot send by Gmail: LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE is not set. Set it to the JSON key of a service account with domain-wide delegation for gmail.send and gmail.readonly.');
  }
  let key: { client_email?: unknown; private_key?: unknown };
  try {
    key = JSON.parse(readFileSync(keyFile, 'utf8')) as typeof key;
  } catch (err) {
    throw new LanternError(ErrorCode.MailNotConfigured, `Cannot read the service-account key named by LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE (${keyFile}): it must be the JSON key file downloaded from Google Cloud.`, { cause: err });
  }
  if (typeof key.client_email !== 'string' || typeof key.private_key !== 'string') {
    throw new LanternError(ErrorCode.MailNotConfigured, `The key file named by LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE has no client_email/private_key: download a JSON key for the service account.`);
  }
  return { client_email: key.client_email, private_key: key.private_key };
}

function providerError(err: unknown, what: string): Error {
  const failure = httpFailureOf(err);
  const status = failure?.status ?? 0;
  return new MailProviderError(`Gmail ${what} failed (HTTP ${status || 'no response'}): ${(err as Error).message}`, status, failure?.retryAfterMs);
}

/**
 * Sends as the school's sender mailbox through the Gmail API: a service-account JWT with `subject` set to the
 * sender (domain-wide delegation), then users.messages.send with the raw MIME message.
 */
export function createGmailTransport(options: GmailOptions): MailTransport {
  const key = readKey(options.keyFile);
  const clients = new Map<string, gmail_v1.Gmail>();
  const client = (sender: string) => {
    let gmail = clients.get(sender);
    if (!gmail) {
      const auth = new google.auth.JWT({ email: key.client_email, key: key.private_key, scopes: SCOPES, subject: sender });
      if (options.tokenUrl) {
        const tokenUrl = options.tokenUrl;
        // gtoken posts to a fixed Google URL; redirect it through the client's own transporter.
        auth.transporter.interceptors.request.add({
          resolved: async (config) => (String(config.url) === GOOGLE_TOKEN_URL ? Object.assign(config, { url: new URL(tokenUrl) }) : config),
        });
      }
      gmail = google.gmail({ version: 'v1', auth, ...(options.apiUrl ? { rootUrl: options.apiUrl } : {}) });
      clients.set(sender, gmail);
    }
    return gmail;
  };
  return {
    name: 'gmail',
    async send(raw, sender): Promise<SentMessage> {
      try {
        const res = await client(sender).users.messages.send({ userId: 'me', requestBody: { raw: raw.toString('base64url') } });
        return { providerMessageId: res.data.id ?? null };
      } catch (err) {
        throw providerError(err, 'send');
      }
    },
    async findSent(messageId, sender): Promise<SentMessage | null> {
      try {
        const res = await client(sender).users.messages.list({ userId: 'me', q: `rfc822msgid:${messageId.replace(/^<|>$/g, '')}`, maxResults: 1 });
        const id = res.data.messages?.[0]?.id;
        return id ? { providerMessageId: id } : null;
      } catch (err) {
        throw providerError(err, 'search of sent mail');
      }
    },
  };
}
