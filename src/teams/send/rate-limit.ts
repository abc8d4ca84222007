/** At most `limit` requests in any `ms` milliseconds. */
export interface RateWindow {
  limit: number;
  ms: number;
}

/** Teams' documented limits for a bot sending to one conversation (per bot per thread). */
export const PER_CONVERSATION_LIMITS: readonly RateWindow[] = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
];

/**
 * Teams allows 50 requests per second per app per tenant, counted as they arrive. The limiter counts a request
 * from the moment it is let through until a window's length after its answer came back, so the full 50 can be
 * used whatever delays a request meets on its way out (a late timer, a busy event loop, a slow network).
 */
export const PER_TENANT_LIMITS: readonly RateWindow[] = [{ limit: 50, ms: 1_000 }];

/** The keys one request counts against, each with its windows. */
export type RateKeys = readonly { key: string; windows: readonly RateWindow[] }[];

/** Called once a request let through has its answer (or has failed, or was never sent). */
export type Release = () => void;

interface Entry {
  /** When its answer came back; undefined while it is on its way. */
  end: number | undefined;
}

interface Waiter {
  keys: RateKeys;
  grant: (release: Release) => void;
}

/** A key's requests still counted, and its longest window (after which an answered request no longer counts). */
interface KeyLog {
  entries: Entry[];
  longest: number;
}

/**
 * Sliding-window limiter over any number of keys, each with its own windows. A request counts in a window from
 * when it is let through until `ms` after its answer: the service saw it somewhere in between, so no window
 * of the service's can hold more than the limit. Waiters are served in order by one timer (never woken all at
 * once to race for a slot). In-process: across Lantern instances, the tenant's sender lease (lease.ts) lets
 * only one instance send for a tenant at a time, so this limiter is the only one that counts.
 */
export class RateLimiter {
  private readonly logs = new Map<string, KeyLog>();
  private waiting: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastForget = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Waits until a request fits under every key's windows and counts it; call the release once it is answered. */
  acquire(keys: RateKeys, signal?: AbortSignal): Promise<Release> {
    signal?.throwIfAborted();
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { keys, grant: resolve };
      const onAbort = () => {
        this.waiting = this.waiting.filter((w) => w !== waiter);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiter.grant = (release) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(release);
      };
      this.waiting.push(waiter);
      this.pump();
    });
  }

  /** Lets through every waiter that fits now, in order, and sets one timer for the earliest that will. */
  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const at = this.now();
    let soonest = Infinity;
    const still: Waiter[] = [];
    for (const waiter of this.waiting) {
      const wait = this.waitFor(waiter.keys, at);
      if (wait <= 0) waiter.grant(this.take(waiter.keys, at));
      else {
        still.push(waiter);
        soonest = Math.min(soonest, wait);
      }
    }
    this.waiting = still;
    // Infinity: only an answer still on its way can make room, and its release pumps again.
    if (soonest < Infinity) this.timer = setTimeout(() => this.pump(), soonest);
  }

  /** How long until a request under these keys fits; Infinity while it waits on requests not yet answered. */
  private waitFor(keys: RateKeys, at: number): number {
    let wait = 0;
    for (const { key, windows } of keys) {
      const log = this.logs.get(key);
      if (!log) continue;
      for (const w of windows) {
        // Ends (answers) of the requests still counted in this window, in flight as Infinity.
        const counted: number[] = [];
        for (const e of log.entries) {
          const end = e.end ?? Infinity;
          if (end + w.ms > at) counted.push(end);
        }
        if (counted.length < w.limit) continue;
        counted.sort((a, b) => a - b);
        // Room comes when enough of them have been answered for a window's length.
        const freeing = counted[counted.length - w.limit] as number;
        wait = Math.max(wait, freeing + w.ms - at);
      }
    }
    return wait;
  }

  private take(keys: RateKeys, at: number): Release {
    const taken: Entry[] = [];
    for (const { key, windows } of keys) {
      const longest = Math.max(...windows.map((w) => w.ms));
      const entries = (this.logs.get(key)?.entries ?? []).filter((e) => e.end === undefined || e.end + longest > at);
      const entry: Entry = { end: undefined };
      entries.push(entry);
      this.logs.set(key, { entries, longest });
      taken.push(entry);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const end = this.now();
      for (const entry of taken) entry.end = end;
      this.forgetIdle(end);
      this.pump();
    };
  }

  /** Drops, once a second at most, keys with nothing left in any window (one per conversation ever sent to would pile up). */
  private forgetIdle(at: number): void {
    if (at - this.lastForget < 1_000) return;
    this.lastForget = at;
    for (const [key, log] of this.logs) {
      if (log.entries.every((e) => e.end !== undefined && e.end + log.longest <= at)) this.logs.delete(key);
    }
  }
}
