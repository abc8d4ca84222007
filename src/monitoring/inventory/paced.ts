import { httpFailureOf } from '../../http/failure.js';
import { takeAll, type QuotaWindow } from '../../http/quota-window.js';
import { sleep } from '../../http/retry.js';

/** What a walk counts about the API's answers. */
export interface ThrottleStats {
  /** Answers that said "slow down" (429, 503, Drive's 403 rate-limit reasons). */
  throttled: number;
}

const RATE_LIMIT_REASONS = new Set(['userRateLimitExceeded', 'rateLimitExceeded']);

/** Drive says "over quota" with 403 and a reason as well as with 429. */
function isThrottle(err: unknown, status: number): boolean {
  if (status === 429 || status === 503) return true;
  if (status !== 403) return false;
  const errors = (err as { errors?: { reason?: string }[]; response?: { data?: { error?: { errors?: { reason?: string }[] } } } }).errors ?? (err as { response?: { data?: { error?: { errors?: { reason?: string }[] } } } }).response?.data?.error?.errors;
  return (errors ?? []).some((e) => RATE_LIMIT_REASONS.has(String(e.reason)));
}

/** How long to wait when the server did not say: 1, 2, 4 … s up to a minute (the documented truncated back-off). */
function backoffMs(attempt: number): number {
  return Math.min(60_000, 1_000 * 2 ** attempt);
}

/**
 * Runs one API call inside the quota: waits for `units` in every window, calls, and when the server still says
 * "slow down" pauses every window for its Retry-After (or a back-off) and tries again, counting each refusal.
 * Transient 5xx are tried again the same way. Gives up after `attempts` and throws the last error.
 */
export async function paced<T>(call: () => Promise<T>, windows: readonly QuotaWindow[], units: number, stats: ThrottleStats, options: { signal?: AbortSignal | undefined; attempts?: number } = {}): Promise<T> {
  const attempts = options.attempts ?? 10;
  for (let attempt = 0; ; attempt++) {
    const spends = await takeAll(windows, units, options.signal);
    let answer: { ok: true; value: T } | { ok: false; err: unknown };
    try {
      answer = { ok: true, value: await call() };
    } catch (err) {
      answer = { ok: false, err };
    }
    for (const s of spends) s.settle();
    if (answer.ok) return answer.value;
    const err = answer.err;
    const failure = httpFailureOf(err);
    const status = failure?.status ?? 0;
    const throttle = failure !== undefined && isThrottle(err, status);
    if (attempt + 1 >= attempts || !(throttle || (status >= 500 && status <= 504))) throw err;
    if (throttle) stats.throttled++;
    const waitMs = failure?.retryAfterMs ?? backoffMs(attempt);
    for (const w of windows) w.pause(waitMs);
    await sleep(waitMs, options.signal);
  }
}
