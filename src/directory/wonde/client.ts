import { ErrorCode, isLanternError, LanternError } from '../../errors.js';
import { HttpError, httpFailureOf, parseRetryAfter } from '../../http/failure.js';
import { withRetry, type RetryOptions } from '../../http/retry.js';

/** Wonde's API root for UK schools; other regions have their own domain (schools[].directory.apiUrl). */
export const DEFAULT_WONDE_URL = 'https://api.wonde.com/v1.0';

/** The most records Wonde returns on one page. */
export const WONDE_PAGE_SIZE = 200;

/** What talking to one school's data in Wonde needs. */
export interface WondeClientOptions {
  /** API root including the version, default https://api.wonde.com/v1.0. */
  apiUrl?: string | undefined;
  /** The school's Wonde id (A…). */
  wondeSchoolId: string;
  token: string;
  retry?: RetryOptions | undefined;
  signal?: AbortSignal | undefined;
}

/** A page of a Wonde list: `data` and `meta.pagination` (next is the full URL of the next page, or null). */
interface WondePage<T> {
  data?: T[];
  meta?: { pagination?: { next?: string | null; more?: boolean } };
}

/** A client for one school's data in Wonde: list endpoints followed page by page, 429/5xx retried. */
export interface WondeClient {
  /** Every record of a school list endpoint (students, employees, contacts, classes, deletions), all pages. */
  list<T>(resource: string, params: Record<string, string>, onPage?: (count: number) => void): Promise<T[]>;
  /** The school itself (GET /schools/{id}): answers only when the token is good and the school approved access. */
  school(): Promise<{ id?: string; name?: string }>;
}

function refusal(status: number, wondeSchoolId: string, cause: unknown): LanternError | undefined {
  if (status === 401) return new LanternError(ErrorCode.DirectorySourceFailed, `Wonde refused the token (HTTP 401): set the school's token from the Wonde dashboard again.`, { cause });
  if (status === 403) {
    return new LanternError(ErrorCode.DirectorySourceFailed, `Wonde refused access to school ${wondeSchoolId} (HTTP 403): the school has not approved Lantern's access in Wonde, or the approval lacks students, employees, contacts or classes. Ask the school to approve it, then sync again.`, { cause });
  }
  if (status === 404) return new LanternError(ErrorCode.DirectorySourceFailed, `Wonde has no school ${wondeSchoolId} (HTTP 404): check schools[].directory.schoolId.`, { cause });
  return undefined;
}

/** The HTTP status Wonde answered with, behind an error the client threw (undefined for a network failure). */
export function wondeStatusOf(err: unknown): number | undefined {
  return httpFailureOf(err)?.status ?? (err instanceof LanternError ? httpFailureOf(err.cause)?.status : undefined);
}

/** A Wonde client for one school; the token is sent only to the configured API origin. */
export function createWondeClient(options: WondeClientOptions): WondeClient {
  const root = (options.apiUrl ?? DEFAULT_WONDE_URL).replace(/\/+$/, '');
  const origin = new URL(root).origin;
  const schoolRoot = `${root}/schools/${encodeURIComponent(options.wondeSchoolId)}`;

  async function getOnce<T>(url: string): Promise<T> {
    const res = await fetch(url, { headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' }, ...(options.signal ? { signal: options.signal } : {}) });
    if (!res.ok) {
      await res.body?.cancel();
      throw new HttpError(`Wonde answered HTTP ${res.status}`, res.status, parseRetryAfter(res.headers.get('retry-after')));
    }
    return (await res.json()) as T;
  }

  async function get<T>(url: string): Promise<T> {
    // A next link on another host would carry the token away from Wonde.
    if (new URL(url).origin !== origin) throw new LanternError(ErrorCode.DirectorySourceFailed, `Wonde gave a next page on another host (${new URL(url).host}); nothing was changed.`);
    try {
      return await withRetry(() => getOnce<T>(url), httpFailureOf, { ...options.retry, ...(options.signal ? { signal: options.signal } : {}) });
    } catch (err) {
      const status = httpFailureOf(err)?.status;
      const refused = status === undefined ? undefined : refusal(status, options.wondeSchoolId, err);
      if (refused) throw refused;
      if (isLanternError(err, ErrorCode.MonitorSourceUnavailable) || isLanternError(err, ErrorCode.MonitorSourceThrottled)) {
        throw new LanternError(ErrorCode.DirectorySourceFailed, `Wonde kept answering with throttling or server errors: ${err.message.replace(/^The audit API /, '')} The directory was left as it was.`, { cause: err });
      }
      throw err;
    }
  }

  return {
    async list<T>(resource: string, params: Record<string, string>, onPage?: (count: number) => void): Promise<T[]> {
      const query = new URLSearchParams({ ...params, per_page: String(WONDE_PAGE_SIZE) });
      let url: string | null | undefined = `${schoolRoot}/${resource}?${query.toString()}`;
      const all: T[] = [];
      while (url) {
        const page: WondePage<T> = await get<WondePage<T>>(url);
        all.push(...(page.data ?? []));
        onPage?.(all.length);
        url = page.meta?.pagination?.more === false ? undefined : page.meta?.pagination?.next;
      }
      return all;
    },
    async school() {
      return (await get<{ data?: { id?: string; name?: string } }>(schoolRoot)).data ?? {};
    },
  };
}
