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
export class MailProviderError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'MailProviderError';
  }
}

/** Reads a Retry-After header (seconds or an HTTP date) as milliseconds. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
