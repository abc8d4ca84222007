import type { Person } from '../../directory/person.js';
import type { AgreementSend } from '../../agreements/campaign-model.js';

/**
 * Hands a running queue worker the send items of a campaign as they are queued, so the first cards go
 * out while the rest are still being written (see workSendQueue's `feed`). Items pushed before the
 * worker subscribes are kept for it. The worker also finds the items in the queue itself; the feed only
 * saves it waiting and re-reading, so a worker without one (a restart) still sends everything.
 */
export class SendFeed {
  private buffered: AgreementSend[] = [];
  private bufferedPeople: Person[] = [];
  private listener: ((items: AgreementSend[], people: Person[]) => void) | undefined;
  private closed = false;

  /** Items just queued, and (when the caller has them) their people, which saves the worker reading them. */
  push(items: readonly AgreementSend[], people: readonly Person[] = []): void {
    if (items.length === 0) return;
    if (this.listener) this.listener([...items], [...people]);
    else {
      this.buffered.push(...items);
      this.bufferedPeople.push(...people);
    }
  }

  /** Nothing more will be pushed (queueing finished, or failed). */
  close(): void {
    this.closed = true;
    this.listener?.([], []);
  }

  /** True once close() was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Receives pushed items (and, with an empty list, the close); returns the unsubscribe function. */
  subscribe(listener: (items: AgreementSend[], people: Person[]) => void): () => void {
    this.listener = listener;
    const early = this.buffered;
    const earlyPeople = this.bufferedPeople;
    this.buffered = [];
    this.bufferedPeople = [];
    if (early.length > 0) listener(early, earlyPeople);
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }
}
