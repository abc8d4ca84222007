import { sleep } from './retry.js';

// How much later than its departure a server may stamp a request (local network, busy event loops).
const SERVER_CLOCK_MARGIN_MS = 10;

/** One documented limit: at most `limit` units in any `windowMs` (Drive: queries per 60 s; Graph: resource units per minute). */
export interface QuotaLimit {
  limit: number;
  windowMs: number;
}

/**
 * Paces calls so that no rolling window ever holds more units than the quota allows. A rolling window rather than a
 * refilling token bucket: a bucket of size N refilled at N per window can spend close to 2N inside one window,
 * which a server counting "per 60 seconds" answers with 429s; this never does, and still runs at the quota.
 */
export class QuotaWindow {
  private readonly spent: QuotaSpend[] = [];
  private head = 0;
  private total = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly quota: QuotaLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Waits until `units` fit in the window, then spends them; calls are served in the order they asked. Settle the
   * spend when the answer arrives: the server counted the request somewhere between, so the window frees it from then.
   */
  take(units = 1, signal?: AbortSignal): Promise<QuotaSpend> {
    const turn = this.queue.then(() => this.waitFor(Math.min(units, this.quota.limit), signal));
    this.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /** Pushes every later call back by `ms` (the server's Retry-After), as if the window were full until then. */
  pause(ms: number): void {
    const until = this.now() + ms;
    this.queue = this.queue.then(() => sleep(Math.max(0, until - this.now())));
  }

  private async waitFor(units: number, signal?: AbortSignal): Promise<QuotaSpend> {
    for (;;) {
      const now = this.now();
      while (this.head < this.spent.length && (this.spent[this.head] as { at: number }).at <= now - this.quota.windowMs) {
        this.total -= (this.spent[this.head] as { units: number }).units;
        this.head++;
      }
      if (this.head > 1024 && this.head * 2 > this.spent.length) {
        this.spent.splice(0, this.head);
        this.head = 0;
      }
      if (this.total + units <= this.quota.limit) {
        const spend = new QuotaSpend(now, units, this.now);
        this.spent.push(spend);
        this.total += units;
        return spend;
      }
      // The oldest spend leaves the window first; wait for it (and check again: it may not free enough, or may not
      // be settled yet). The margin covers the server's clock reading a little behind this one.
      const oldest = this.spent[this.head] as QuotaSpend;
      await sleep(Math.max(1, oldest.at + this.quota.windowMs - now + SERVER_CLOCK_MARGIN_MS), signal);
    }
  }
}

/** Units spent in a window at a time; `settle` moves the time to when the answer came. */
export class QuotaSpend {
  constructor(
    public at: number,
    readonly units: number,
    private readonly now: () => number,
  ) {}

  settle(): void {
    this.at = Math.max(this.at, this.now());
  }
}

/** Several limits at once (per minute and per day; per project and per user): a call waits for each. */
export async function takeAll(windows: readonly QuotaWindow[], units = 1, signal?: AbortSignal): Promise<QuotaSpend[]> {
  const spends: QuotaSpend[] = [];
  for (const w of windows) spends.push(await w.take(units, signal));
  return spends;
}
