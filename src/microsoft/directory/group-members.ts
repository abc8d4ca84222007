import { ErrorCode, LanternError } from '../../errors.js';
import { httpFailureOf, parseRetryAfter } from '../../http/failure.js';
import { withRetry, type RetryOptions } from '../../http/retry.js';
import { GRAPH_SCOPE, type AppTokenProvider } from '../auth.js';
import { MicrosoftHttpError } from '../audit/http.js';

/** What keeping an Entra group's members needs. */
export interface EntraGroupOptions {
  tokens: AppTokenProvider;
  /** The group's object id. */
  groupId: string;
  /** Root including the version, e.g. https://graph.microsoft.com/v1.0. */
  graphUrl: string;
  retry?: RetryOptions;
}

/** The members of one Entra group, listed, added and removed through Microsoft Graph with GroupMember.ReadWrite.All. */
export interface EntraGroupMembers {
  readonly provider: 'entra';
  readonly group: string;
  keyOf(account: { email?: string | undefined; aadObjectId?: string | undefined }): string | undefined;
  members(): Promise<{ key: string }[]>;
  add(key: string): Promise<void>;
  remove(key: string): Promise<void>;
}

const PERMISSION = 'GroupMember.ReadWrite.All (application permission, with admin consent)';

async function graph<T>(method: 'GET' | 'POST' | 'DELETE', url: string, options: EntraGroupOptions, what: string, body?: unknown): Promise<T | undefined> {
  const once = async (fresh: boolean): Promise<T | undefined> => {
    const token = await options.tokens.token(GRAPH_SCOPE, { fresh });
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const code = (parsed as { error?: { code?: unknown } } | undefined)?.error?.code;
      throw new MicrosoftHttpError(res.status, parseRetryAfter(res.headers.get('retry-after')), typeof code === 'string' ? code : undefined);
    }
    return parsed as T | undefined;
  };
  // A 401 gets one fresh token (the cached one was revoked or expired early); 429 and 5xx back off.
  const attempt = () => once(false).catch((err: unknown) => (err instanceof MicrosoftHttpError && err.status === 401 ? once(true) : Promise.reject(err)));
  try {
    return await withRetry(attempt, (err) => (err instanceof MicrosoftHttpError ? httpFailureOf(err) : undefined), options.retry ?? {});
  } catch (err) {
    if (err instanceof LanternError) throw new LanternError(ErrorCode.AccessGroupFailed, `${err.message}`, { cause: err });
    if (!(err instanceof MicrosoftHttpError)) throw err;
    if (err.status === 401 || err.status === 403) throw new LanternError(ErrorCode.AccessGroupFailed, `Microsoft refused ${what} (${err.message}): give the Entra app ${PERMISSION}.`, { cause: err });
    if (err.status === 404) throw new LanternError(ErrorCode.AccessGroupFailed, `Entra could not find ${what} (${err.message}): check agreements.unsigned.group is the group's object id.`, { cause: err });
    throw new LanternError(ErrorCode.AccessGroupFailed, `Microsoft rejected ${what} (${err.message}).`, { cause: err });
  }
}

/** The Entra group of unsigned accounts: members are users, keyed by their object id. */
export function entraGroupMembers(options: EntraGroupOptions): EntraGroupMembers {
  const root = options.graphUrl.replace(/\/+$/, '');
  const group = `${root}/groups/${encodeURIComponent(options.groupId)}`;
  return {
    provider: 'entra',
    group: options.groupId,
    keyOf: (account) => account.aadObjectId,
    async members() {
      const out: { key: string }[] = [];
      // Direct user members only: nested groups are the school's own arrangement and are left alone.
      let url: string | undefined = `${group}/members/microsoft.graph.user?$select=id&$top=999`;
      while (url) {
        const page: { value?: { id?: string }[]; '@odata.nextLink'?: string } | undefined = await graph('GET', url, options, `the members of group ${options.groupId}`);
        for (const m of page?.value ?? []) if (m.id) out.push({ key: m.id });
        url = page?.['@odata.nextLink'];
      }
      return out;
    },
    async add(key) {
      await graph('POST', `${group}/members/$ref`, options, `adding ${key} to group ${options.groupId}`, { '@odata.id': `${root}/directoryObjects/${encodeURIComponent(key)}` });
    },
    async remove(key) {
      await graph('DELETE', `${group}/members/${encodeURIComponent(key)}/$ref`, options, `removing ${key} from group ${options.groupId}`);
    },
  };
}
