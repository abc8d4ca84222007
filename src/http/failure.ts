/** What a caller needs to know about a failed HTTP call, whatever client library made it. */
export interface HttpFailure {
  status: number;
  /** The wait the server asked for (Retry-After), in milliseconds, when it gave one. */
  retryAfterMs?: number;
}

// Throttling and the server errors that mean "try again" (RFC 9110 §15.6; 501 and 505 will not change).
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** True for a status worth trying again after a wait: 429 and the transient 5xx. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** Reads Retry-After: delay-seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  // An HTTP date names its day and month; anything else (a negative number, a bare year) is not one.
  const at = /[a-z]/i.test(v) ? Date.parse(v) : NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** A non-2xx answer: the status and the wait the server asked for (read by withRetry and by the job runner). */
export class HttpError extends Error implements HttpFailure {
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    readonly status: number,
    retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'HttpError';
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }

  /** True when the same request may succeed later (429 and transient 5xx). */
  get retryable(): boolean {
    return isRetryableStatus(this.status);
  }
}

type HeaderSource = { get?: (name: string) => string | null } & Record<string, unknown>;

function header(headers: unknown, name: string): string | undefined {
  // A fetch Headers object (not always the global class, e.g. from gaxios) or, from older libraries, a plain object.
  const h = headers as HeaderSource | undefined;
  const value = typeof h?.get === 'function' ? h.get(name) : h?.[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The status and Retry-After of an error thrown by an HTTP client library (gaxios for googleapis, the
 * Agents SDK, or an HttpError); undefined when the request got no answer (a network error).
 */
export function httpFailureOf(err: unknown): HttpFailure | undefined {
  if (err instanceof HttpError) return { status: err.status, ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}) };
  const e = err as { status?: unknown; code?: unknown; response?: { status?: unknown; headers?: unknown } } | null;
  const status = [e?.response?.status, e?.status, e?.code].find((s): s is number => typeof s === 'number');
  if (status === undefined) return undefined;
  const retryAfterMs = parseRetryAfter(header(e?.response?.headers, 'retry-after'));
  return { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}
