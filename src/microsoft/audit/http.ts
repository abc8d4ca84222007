import { classifyFailure } from '../../http/failure-cause.js';
import { HttpError, httpFailureOf, parseRetryAfter } from '../../http/failure.js';
import { withRetry, type RetryOptions } from '../../http/retry.js';
import type { AppTokenProvider } from '../auth.js';

/** A non-2xx answer from a Microsoft API. Messages carry the status and the service's error code only. */
export class MicrosoftHttpError extends HttpError {
  constructor(
    status: number,
    retryAfterMs: number | undefined,
    readonly serviceCode: string | undefined,
  ) {
    super(`HTTP ${status}${serviceCode ? ` (${serviceCode})` : ''}`, status, retryAfterMs);
    this.name = 'MicrosoftHttpError';
  }
}

/** What one call needs. */
export interface MicrosoftCall {
  tokens: AppTokenProvider;
  scope: string;
  /** What the call is for, in error messages ("the Management Activity API"). */
  api: string;
  /** The application permission the call needs (from src/microsoft/permissions.ts), named when Microsoft answers 403. */
  permission?: string;
  retry?: RetryOptions;
  signal?: AbortSignal;
}

/** A parsed JSON answer and the headers that matter (NextPageUri). */
export interface MicrosoftResponse<T> {
  body: T;
  headers: Headers;
}

function serviceCodeOf(body: unknown): string | undefined {
  const o = body as { error?: { code?: unknown } | string } | null;
  const code = typeof o?.error === 'object' ? o.error?.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

async function once<T>(method: 'GET' | 'POST', url: string, call: MicrosoftCall, fresh: boolean): Promise<MicrosoftResponse<T>> {
  const token = await call.tokens.token(call.scope, { fresh });
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    ...(method === 'POST' ? { body: '{}' } : {}),
    ...(call.signal ? { signal: call.signal } : {}),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) throw new MicrosoftHttpError(res.status, parseRetryAfter(res.headers.get('retry-after')), serviceCodeOf(body));
  return { body: body as T, headers: res.headers };
}

/**
 * Calls a Microsoft API app-only: a 401 gets one fresh token and a retry (the cached token was revoked or
 * expired early); 429 and 5xx back off honouring Retry-After; other failures, and requests that got no answer
 * (DNS, refused, TLS), become coded errors naming the cause.
 */
export async function microsoftRequest<T>(method: 'GET' | 'POST', url: string, call: MicrosoftCall): Promise<MicrosoftResponse<T>> {
  const attempt = () =>
    once<T>(method, url, call, false).catch((err: unknown) => {
      if (err instanceof MicrosoftHttpError && err.status === 401) return once<T>(method, url, call, true);
      throw err;
    });
  try {
    return await withRetry(attempt, (err) => (err instanceof MicrosoftHttpError ? httpFailureOf(err) : undefined), { api: call.api, ...call.retry, ...(call.signal ? { signal: call.signal } : {}) });
  } catch (err) {
    if (call.signal?.aborted) throw err;
    const grant = call.permission ? `the application permission ${call.permission}` : 'the application permission this API needs (see `lantern permissions`)';
    throw classifyFailure(err, {
      api: call.api,
      url,
      fixUnauthorised: `the token was refused even after a fresh sign-in; check that ${grant} has admin consent in the school's tenant and that the app's secret is current`,
      fixForbidden: `the app lacks ${grant}; in the Entra admin centre → App registrations → the app → API permissions, add it and press "Grant admin consent"`,
    });
  }
}
