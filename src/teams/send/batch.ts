/** When a batch is written. */
export interface BatchOptions {
  /** Written at once when this many are waiting. */
  maxSize: number;
  /**
   * How long the first waiting item waits for others. 0: written as soon as no write of this batch is in flight
   * (a group commit: nothing waits longer than the write before it).
   */
  waitMs: number;
}

interface Waiting<T, R> {
  item: T;
  since: number;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Gathers single writes into one database command. Each caller gets its own item's answer (or error), so a
 * batch answers exactly what one write per item would have; one command of the batch is in flight at a time.
 */
export class Batch<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    /** Writes the items; answers each item's result or error, in order. */
    private readonly write: (items: T[]) => Promise<(R | Error)[]>,
    private readonly options: BatchOptions,
  ) {}

  /** Queues an item; resolves with its result once its batch is written. */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, since: performance.now(), resolve, reject });
      this.schedule();
    });
  }

  /** Writes everything waiting now, and waits for it. */
  async flush(): Promise<void> {
    while (this.waiting.length > 0 || this.inFlight) {
      if (this.inFlight) await this.inFlight;
      else this.send();
    }
  }

  private schedule(): void {
    if (this.inFlight) return;
    if (this.waiting.length >= this.options.maxSize) this.send();
    else if (!this.timer) this.timer = setTimeout(() => this.send(), Math.max(0, (this.waiting[0]?.since ?? 0) + this.options.waitMs - performance.now()));
  }

  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const taken = this.waiting.splice(0, this.options.maxSize);
    if (taken.length === 0) return;
    this.inFlight = this.write(taken.map((w) => w.item))
      .then(
        (results) => taken.forEach((w, i) => (results[i] instanceof Error ? w.reject(results[i]) : w.resolve(results[i] as R))),
        (err: unknown) => taken.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        this.inFlight = undefined;
        if (this.waiting.length > 0) this.schedule();
      });
  }
}
