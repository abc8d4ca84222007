import { HttpError } from '../http/failure.js';

/** What a mail transport did with one message. */
export interface SentMessage {
  /** The provider's id: Gmail's message id, or Graph's request-id (sendMail returns no message id). */
  providerMessageId: string | null;
}

/**
 * Sends a raw RFC 822 message as a school mailbox. `findSent` looks the Message-ID up in that mailbox's
 * sent mail, so a retry after an unknown outcome can tell whether the first attempt got through.
 */
export interface MailTransport {
  readonly name: 'gmail' | 'graph';
  send(raw: Buffer, sender: string): Promise<SentMessage>;
  findSent(messageId: string, sender: string): Promise<SentMessage | null>;
}

/** An HTTP failure from a mail provider, with the delay it asked for (429/503 Retry-After) for the job runner. */
export class MailProviderError extends HttpError {
  constructor(message: string, status: number, retryAfterMs?: number) {
    super(message, status, retryAfterMs);
    this.name = 'MailProviderError';
  }
}
