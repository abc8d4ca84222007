/**
 * A set of keys, each stamped with the end of the window it was seen in, so the checkpoint can forget keys
 * that no later poll will re-read. Serialises to [{ k, t }, …] for the checkpoint document (FerretDB
 * cannot store nested arrays).
 */
export class StampedSet {
  private readonly map = new Map<string, number>();

  private constructor(private readonly max: number) {}

  /** Reads the stored form, ignoring anything malformed (a damaged list only costs a re-read). */
  static from(stored: unknown, max: number): StampedSet {
    const set = new StampedSet(max);
    if (Array.isArray(stored)) {
      for (const entry of stored) {
        const e = entry as { k?: unknown; t?: unknown } | null;
        if (typeof e?.k === 'string' && typeof e.t === 'number') set.map.set(e.k, e.t);
      }
    }
    return set;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** Adds a key; past `max` keys the oldest are dropped (bounded memory beats a perfect memory). */
  add(key: string, stamp: number): void {
    this.map.set(key, stamp);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }

  /** Forgets keys stamped before `stamp`. */
  pruneBefore(stamp: number): void {
    for (const [key, s] of this.map) if (s < stamp) this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }

  toJSON(): Array<{ k: string; t: number }> {
    return Array.from(this.map, ([k, t]) => ({ k, t }));
  }
}
