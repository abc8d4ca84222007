/** At most `limit` requests in any `ms` milliseconds. */
export interface RateWindow {
  limit: number;
  ms: number;
}

/** Teams' documented limits for a bot sending to one conversation. */
export const PER_CONVERSATION_LIMITS: readonly RateWindow[] = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
];

/**
 * Teams allows 50 requests per second per app per tenant, and the service counts them as they arrive.
 * Lantern sends at most 49 in any second and at most 5 in any tenth of a second: the second window
 * keeps requests spread out (no bursts after a pause), so a request delayed on the way a little more
 * than the others rarely puts 51 into a second as the service counts it. On a host short of CPU the
 * delays grow and a few can still arrive bunched; the service answers those 429 and they are retried
 * like any throttled request (`npm run bench:campaign` prints how many). Strictly even spacing (one
 * per 20 ms) avoided that in measurement but lost a tenth of the rate to timer lateness.
 */
export const PER_TENANT_LIMITS: readonly RateWindow[] = [
  { limit: 49, ms: 1_000 },
  { limit: 5, ms: 100 },
];

/**
 * Sliding-window limiter over any number of keys, each with its own windows. In-process: across Lantern
 * instances, the tenant's sender lease (send-lease.ts) lets only one instance send for a tenant at a
 * time, so this limiter is the only one that counts.
 */
export class RateLimiter {
  private readonly log = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** How long to wait before a request under all these keys would fit; 0 means now. */
  private waitFor(keys: readonly { key: string; windows: readonly RateWindow[] }[], at: number): number {
    let wait = 0;
    for (const { key, windows } of keys) {
      const times = this.log.get(key) ?? [];
      for (const w of windows) {
        const inWindow = times.filter((t) => t > at - w.ms);
        if (inWindow.length >= w.limit) {
          const oldestThatMatters = inWindow[inWindow.length - w.limit] as number;
          wait = Math.max(wait, oldestThatMatters + w.ms - at + 1);
        }
      }
    }
    return wait;
  }

  /** Waits until a request fits under every key's windows, then records it. */
  async acquire(keys: readonly { key: string; windows: readonly RateWindow[] }[], signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const at = this.now();
      const wait = this.waitFor(keys, at);
      if (wait <= 0) {
        for (const { key, windows } of keys) {
          const longest = Math.max(...windows.map((w) => w.ms));
          const times = (this.log.get(key) ?? []).filter((t) => t > at - longest);
          times.push(at);
          this.log.set(key, times);
        }
        return;
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
