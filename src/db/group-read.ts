interface Waiting<K, V> {
  key: K;
  resolve: (value: V) => void;
  reject: (err: unknown) => void;
}

/**
 * Group read: while one read is on its way to the database, the keys asked for meanwhile wait and are then read
 * together, in one query, up to `maxKeys` at a time. A lone key is read at once. Each read starts after every key
 * in it was asked for, so a caller sees everything written before it asked, as with a read of its own.
 */
export class GroupRead<K, V> {
  private waiting: Waiting<K, V>[] = [];
  private reading = false;

  constructor(
    private readonly read: (keys: K[]) => Promise<V[]>,
    private readonly maxKeys = 50,
  ) {}

  /** Reads `key` with whatever else is waiting; resolves to its value (the reader's answer at the same position). */
  get(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      if (!this.reading) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.reading = true;
    try {
      for (let batch = this.take(); batch.length > 0; batch = this.take()) {
        try {
          const values = await this.read(batch.map((w) => w.key));
          batch.forEach((w, i) => w.resolve(values[i] as V));
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.reading = false;
    }
  }

  private take(): Waiting<K, V>[] {
    return this.waiting.splice(0, this.maxKeys);
  }
}
