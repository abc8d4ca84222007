import { describe, expect, it } from 'vitest';
import { HttpError, httpFailureOf, isRetryableStatus, parseRetryAfter } from '../../src/http/failure.js';

const NOW = Date.parse('2026-03-02T10:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds, whole or fractional, as milliseconds', () => {
    expect(parseRetryAfter('30', NOW)).toBe(30_000);
    expect(parseRetryAfter(' 2 ', NOW)).toBe(2_000);
    expect(parseRetryAfter('1.5', NOW)).toBe(1_500);
  });
  it('reads an HTTP date as the time left until it, never negative', () => {
    expect(parseRetryAfter('Mon, 02 Mar 2026 10:00:45 GMT', NOW)).toBe(45_000);
    expect(parseRetryAfter('Mon, 02 Mar 2026 09:00:00 GMT', NOW)).toBe(0);
  });
  it('gives undefined for an absent, blank or unreadable header', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
    expect(parseRetryAfter('  ', NOW)).toBeUndefined();
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
  });
});

describe('isRetryableStatus', () => {
  it('retries throttling and transient server errors only', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 501, 505].some(isRetryableStatus)).toBe(false);
  });
});

describe('httpFailureOf', () => {
  it('reads a gaxios-style error with a fetch Headers object', () => {
    const err = Object.assign(new Error('quota'), { status: 429, response: { status: 429, headers: new Headers({ 'retry-after': '7' }) } });
    expect(httpFailureOf(err)).toEqual({ status: 429, retryAfterMs: 7_000 });
  });
  it('reads an error with plain-object headers, or only a numeric code', () => {
    expect(httpFailureOf({ response: { status: 503, headers: { 'retry-after': '3' } } })).toEqual({ status: 503, retryAfterMs: 3_000 });
    expect(httpFailureOf({ code: 403, message: 'denied' })).toEqual({ status: 403 });
  });
  it('gives undefined for a request that got no answer', () => {
    expect(httpFailureOf(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBeUndefined();
  });
  it('reads an HttpError as it is, and knows whether it is retryable', () => {
    const err = new HttpError('throttled', 429, 1_000);
    expect(httpFailureOf(err)).toEqual({ status: 429, retryAfterMs: 1_000 });
    expect(err.retryable).toBe(true);
    expect(new HttpError('gone', 404).retryable).toBe(false);
  });
});
