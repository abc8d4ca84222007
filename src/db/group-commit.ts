interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: while one write is on its way to the database, the items that arrive wait and then go
 * together in the next write. A lone item is written at once; 100 clicks arriving together cost a few
 * writes, not 100. Each caller's promise settles only when the write holding its item has (so a caller
 * that must not answer before its item is stored still does not), and a failed write fails every caller in it.
 */
export class GroupCommit<T> {
  private waiting: Waiting<T>[] = [];
  private writing = false;

  constructor(private readonly write: (items: T[]) => Promise<void>) {}

  /** Writes `item` with whatever else is waiting; resolves once it is stored. */
  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      for (let batch = this.take(); batch.length > 0; batch = this.take()) {
        try {
          await this.write(batch.map((w) => w.item));
          for (const w of batch) w.resolve();
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private take(): Waiting<T>[] {
    const batch = this.waiting;
    this.waiting = [];
    return batch;
  }
}
