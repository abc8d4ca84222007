import type { Logger } from '../log/logger.js';
import type { MailTransport } from '../mail/transport.js';
import type { Models } from '../stores.js';
import type { DigestSendDoc } from './send-model.js';
import { isDuplicateKey } from '../db/errors.js';

/** Where the send records live. */
export type DigestSendStores = Pick<Models, 'digestSends' | 'digestSendAttempts'>;

/** Test seams for crash-recovery tests: throwing here stands for the process dying at that point. */
export interface SendHooks {
  afterBuild?: () => void | Promise<void>;
  afterSend?: () => void | Promise<void>;
}

/** What to send once. */
export interface OnceSend {
  scope: string;
  weekId: string;
  sender: string;
  recipients: readonly string[];
  messageId: string;
  /** Builds the raw MIME message with the record's Message-ID (only called when a send is needed). */
  build: (messageId: string) => Promise<Buffer>;
  transport: MailTransport;
  instanceId: string;
  clock: () => Date;
  logger: Logger;
  hooks?: SendHooks;
}

/** How a call ended: sent now, found already sent by a previous attempt, or already recorded as sent. */
export type SendOutcome = { status: 'sent' | 'reconciled' | 'already-sent'; providerMessageId: string | null };

/** Another instance started an attempt at the same moment; the job retries after this many ms. */
export class ConcurrentSendError extends Error {
  readonly retryAfterMs = 60_000;
  constructor(id: string) {
    super(`Another instance is sending digest ${id} right now; this attempt stands down and checks again later.`);
  }
}

async function openRecord(stores: DigestSendStores, o: OnceSend): Promise<DigestSendDoc> {
  const id = `${o.scope}:${o.weekId}`;
  try {
    const created = await stores.digestSends.create({ _id: id, scope: o.scope, weekId: o.weekId, state: 'building', messageId: o.messageId, transport: o.transport.name, recipients: o.recipients.length, createdAt: o.clock() });
    return created.toObject() as DigestSendDoc;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const found = await stores.digestSends.findById(id).lean<DigestSendDoc>();
    if (!found) throw err;
    return found;
  }
}

/**
 * Sends a digest exactly once per scope and week, across instances and crashes:
 * 1. a unique insert of `${scope}:${week}` (state building) decides which record this is; a `sent` record ends it;
 * 2. if an earlier attempt reached the provider call (an attempt fence exists) its outcome is unknown, so the
 *    sender's sent mail is searched for the deterministic Message-ID first, and a hit is recorded, not resent;
 * 3. otherwise the message is built, attempt fence n+1 is inserted (a clash means another instance is on it),
 *    the provider is called and the record set to `sent` with the provider's id.
 * Residual risk, stated honestly: Graph's sendMail is asynchronous, so a message accepted moments before a crash
 * may not be in Sent Items when the retry looks (the runner's back-off, 30 s or more, makes this unlikely); Gmail
 * files a sent message at once.
 */
export async function sendOnce(stores: DigestSendStores, o: OnceSend): Promise<SendOutcome> {
  const record = await openRecord(stores, o);
  const log = o.logger.child({ digest: record._id });
  if (record.state === 'sent') return { status: 'already-sent', providerMessageId: record.providerMessageId ?? null };
  const attempts = await stores.digestSendAttempts.countDocuments({ sendId: record._id });
  if (attempts > 0) {
    const found = await o.transport.findSent(record.messageId, o.sender);
    if (found) {
      await stores.digestSends.updateOne({ _id: record._id }, { $set: { state: 'sent', providerMessageId: found.providerMessageId, reconciled: true, sentAt: o.clock(), lastError: null } });
      log.info({ attempts }, 'Digest found in the sender’s sent mail after an interrupted attempt; not sending again');
      return { status: 'reconciled', providerMessageId: found.providerMessageId };
    }
  }
  // The record's Message-ID, not a freshly derived one, so a retry after a sender change stays findable.
  const raw = await o.build(record.messageId);
  await o.hooks?.afterBuild?.();
  try {
    await stores.digestSendAttempts.create({ _id: `${record._id}:${attempts + 1}`, sendId: record._id, n: attempts + 1, at: o.clock(), by: o.instanceId });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConcurrentSendError(record._id);
    throw err;
  }
  let sent;
  try {
    sent = await o.transport.send(raw, o.sender);
  } catch (err) {
    await stores.digestSends.updateOne({ _id: record._id }, { $set: { lastError: (err as Error).message.slice(0, 500) } });
    throw err;
  }
  await o.hooks?.afterSend?.();
  await stores.digestSends.updateOne({ _id: record._id }, { $set: { state: 'sent', providerMessageId: sent.providerMessageId, sentAt: o.clock(), lastError: null } });
  log.info({ transport: o.transport.name, recipients: o.recipients.length, attempt: attempts + 1 }, 'Digest sent');
  return { status: 'sent', providerMessageId: sent.providerMessageId };
}
