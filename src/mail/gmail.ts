import { gmail_v1 } from 'googleapis/build/src/apis/gmail/v1.js';
import { scopesOf } from '../google/scopes.js';
import { ErrorCode } from '../errors.js';
import { googleAuthFactory } from '../google/auth.js';
import { httpFailureOf } from '../http/failure.js';
import { MailProviderError, type MailTransport, type SentMessage } from './transport.js';

// gmail.send to send; gmail.readonly only to find a sent digest by its Message-ID after an unknown outcome
// (gmail.metadata does not allow search). Domain-wide delegation grants both for the sender mailbox only.
const SCOPES = scopesOf('mail');

/** Settings of the Gmail transport; `keyFile` is LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE. */
export interface GmailOptions {
  keyFile: string | null;
  /** Gmail API root (default https://gmail.googleapis.com/); a stand-in in tests. */
  apiUrl?: string;
  /** OAuth token endpoint (default Google's); a stand-in in tests. */
  tokenUrl?: string;
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
  const auth = googleAuthFactory({
    keyFile: options.keyFile,
    code: ErrorCode.MailNotConfigured,
    prefix: 'Cannot send by Gmail: ',
    purpose: 'gmail.send and gmail.readonly',
    ...(options.tokenUrl ? { tokenUrl: options.tokenUrl } : {}),
  });
  const clients = new Map<string, gmail_v1.Gmail>();
  const client = (sender: string) => {
    let gmail = clients.get(sender);
    if (!gmail) {
      gmail = new gmail_v1.Gmail({ auth: auth(sender, SCOPES), ...(options.apiUrl ? { rootUrl: options.apiUrl } : {}) });
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
