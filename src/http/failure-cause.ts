import { ErrorCode, isLanternError, LanternError } from '../errors.js';
import { httpFailureOf } from './failure.js';

/** Why a request got no answer at all: the name did not resolve, nothing listened, it timed out, or TLS failed. */
export interface NetworkCause {
  kind: 'dns' | 'refused' | 'timeout' | 'reset' | 'tls';
  /** The system or TLS error code (ENOTFOUND, ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT…). */
  code: string;
  /** host or host:port, when the error names it. */
  where?: string;
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL']);
const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const TIMEOUT = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
// OpenSSL's certificate verification codes as Node reports them, and Node's own host-name check.
const TLS = /^(ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|CERT_|HOSTNAME_MISMATCH|ERR_OSSL_)/;

type Described = { code?: unknown; name?: unknown; hostname?: unknown; host?: unknown; address?: unknown; port?: unknown; cause?: unknown; errors?: unknown };

function placeOf(e: Described): string | undefined {
  const host = [e.hostname, e.host, e.address].find((h): h is string => typeof h === 'string' && h !== '');
  if (!host) return undefined;
  return typeof e.port === 'number' ? `${host}:${e.port}` : host;
}

/**
 * The network cause of an error from fetch (undici), gaxios or MSAL, found by its system code anywhere in the
 * `cause` chain (fetch wraps it in "fetch failed"); undefined when the request was answered or the cause is unknown.
 */
export function networkCauseOf(err: unknown): NetworkCause | undefined {
  let e = err as Described | null | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    const where = placeOf(e);
    const found = (kind: NetworkCause['kind']): NetworkCause => ({ kind, code, ...(where ? { where } : {}) });
    if (DNS.has(code)) return found('dns');
    if (REFUSED.has(code)) return found('refused');
    if (TIMEOUT.has(code) || e.name === 'TimeoutError') return { ...found('timeout'), code: code || 'timeout' };
    if (RESET.has(code)) return found('reset');
    if (TLS.test(code)) return found('tls');
    // Node reports a connection tried on several addresses (IPv4 and IPv6) as an AggregateError.
    if (Array.isArray(e.errors) && e.errors.length > 0) {
      const inner = networkCauseOf(e.errors[0]);
      if (inner) return inner;
    }
    e = e.cause as Described | undefined;
  }
  return undefined;
}

/** What a failed call was for, so the message names the API and how to fix access to it. */
export interface FailedCall {
  /** The API in words: "the Reports API (drive)", "Microsoft Graph security/alerts_v2". */
  api: string;
  /** The URL called, for the host when the error does not name it. */
  url?: string;
  /** What to do about HTTP 401: the credentials were refused. */
  fixUnauthorised?: string;
  /** What to do about HTTP 403: the permission or delegated scope that is missing, and where to grant it. */
  fixForbidden?: string;
  /** What to do about another 4xx answer (a setting the request was built from). */
  fixRejected?: string;
}

function hostOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
}

function networkMessage(cause: NetworkCause, call: FailedCall): string {
  const where = cause.where ?? hostOf(call.url) ?? 'the server';
  switch (cause.kind) {
    case 'dns':
      return `Cannot find ${where} (DNS ${cause.code}) to reach ${call.api}: check the address in the config and that this machine can resolve internet names (DNS, proxy).`;
    case 'refused':
      return `Nothing accepted a connection at ${where} (${cause.code}) for ${call.api}: check the address and port in the config, and any firewall or proxy in between.`;
    case 'timeout':
      return `${where} did not answer in time (${cause.code}) for ${call.api}: check this machine's internet access, firewall or proxy; Lantern tries again at the next poll.`;
    case 'reset':
      return `The connection to ${where} was cut (${cause.code}) while reading ${call.api}: a proxy or firewall may be closing it; Lantern tries again at the next poll.`;
    case 'tls':
      return `The TLS certificate of ${where} was not accepted (${cause.code}) for ${call.api}: if a proxy or web filter inspects https, give Lantern its CA certificate with NODE_EXTRA_CA_CERTS; otherwise check the address in the config.`;
  }
}

/**
 * The one place a connector failure becomes a coded error whose message names the real cause and its fix:
 * DNS, refused or timed-out connections, TLS certificates, 401, 403 (with the permission or scope from the
 * caller's table), 429 and other answers. Lantern's own coded errors pass through unchanged; an error with no
 * recognisable cause is returned as it is (the caller's boundary keeps only its class).
 */
export function classifyFailure(err: unknown, call: FailedCall): unknown {
  if (isLanternError(err)) return err;
  const network = networkCauseOf(err);
  if (network) {
    const code = network.kind === 'tls' ? ErrorCode.MonitorSourceTls : ErrorCode.MonitorSourceUnreachable;
    return new LanternError(code, networkMessage(network, call), { cause: err });
  }
  const failure = httpFailureOf(err);
  if (!failure) return err;
  const service = (err as { serviceCode?: unknown }).serviceCode;
  const status = `HTTP ${failure.status}${typeof service === 'string' ? ` ${service}` : ''}`;
  if (failure.status === 401) {
    return new LanternError(ErrorCode.MonitorSourceAuth, `${call.api} refused Lantern's credentials (${status}): ${call.fixUnauthorised ?? 'check the credentials in the config'}.`, { cause: err });
  }
  if (failure.status === 403) {
    return new LanternError(ErrorCode.MonitorSourceForbidden, `${call.api} refused access (${status}): ${call.fixForbidden ?? 'check the permissions granted to Lantern'}.`, { cause: err });
  }
  if (failure.status === 429) {
    const wait = failure.retryAfterMs !== undefined ? ` and asked to wait ${Math.ceil(failure.retryAfterMs / 1000)} s` : '';
    return new LanternError(ErrorCode.MonitorSourceThrottled, `${call.api} is throttling Lantern (${status})${wait}; Lantern tries again at the next poll.`, { cause: err });
  }
  if (failure.status >= 400 && failure.status < 500) {
    return new LanternError(ErrorCode.MonitorSourceRejected, `${call.api} rejected the request (${status})${call.fixRejected ? `: ${call.fixRejected}` : ''}.`, { cause: err });
  }
  return new LanternError(ErrorCode.MonitorSourceUnavailable, `${call.api} is failing (${status}); Lantern tries again at the next poll.`, { cause: err });
}
