import { ErrorCode, LanternError } from '../errors.js';
import { isRetryableStatus, type HttpFailure } from './failure.js';

/** How retries behave; `sleep` is injectable so tests can record the waits instead of sitting through them. */
export interface RetryOptions {
  /** Attempts in all, including the first (default 5). */
  maxAttempts?: number;
  /** First back-off when the server gives no Retry-After (default 2 s), doubled each time. */
  baseMs?: number;
  /** Longest single wait; a server asking for longer ends the poll so the job retries later (default 5 min). */
  maxWaitMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  /** The API in words, for the message when retries run out (default "The audit API"). */
  api?: string;
  /** Called before each wait (for logs and tests). */
  onRetry?(info: { attempt: number; status: number; waitMs: number }): void;
}

/** Waits `ms`, or rejects when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `fn`, retrying throttling (429) and server errors (5xx) with back-off that honours Retry-After.
 * `failureOf` maps the client library's error to an HttpFailure, or undefined for errors not to retry.
 */
export async function withRetry<T>(fn: () => Promise<T>, failureOf: (err: unknown) => HttpFailure | undefined, options: RetryOptions = {}): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 5;
  const baseMs = options.baseMs ?? 2_000;
  const maxWaitMs = options.maxWaitMs ?? 5 * 60_000;
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const failure = failureOf(err);
      if (!failure || !isRetryableStatus(failure.status)) throw err;
      const asked = failure.retryAfterMs;
      const waitMs = asked ?? Math.min(maxWaitMs, baseMs * 2 ** (attempt - 1));
      if (attempt >= maxAttempts || waitMs > maxWaitMs) {
        throw new LanternError(
          failure.status === 429 ? ErrorCode.MonitorSourceThrottled : ErrorCode.MonitorSourceUnavailable,
          `${options.api ?? 'The audit API'} answered HTTP ${failure.status}${failure.status === 429 ? ' (throttled)' : ''} ${attempt} time(s)${asked !== undefined ? ` and asked to wait ${Math.ceil(asked / 1000)} s` : ''}; Lantern will try again at the next poll.`,
          { cause: err },
        );
      }
      options.onRetry?.({ attempt, status: failure.status, waitMs });
      await wait(waitMs, options.signal);
    }
  }
}
