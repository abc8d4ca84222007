import type { admin_directory_v1 } from 'googleapis/build/src/apis/admin/directory_v1.js';
import { ErrorCode, LanternError } from '../../errors.js';
import { httpFailureOf } from '../../http/failure.js';
import { withRetry, type RetryOptions } from '../../http/retry.js';
import { GOOGLE_SCOPES } from '../scopes.js';

/** The scope that lets the service account change a group's members. */
export const GROUP_MEMBER_SCOPES: readonly string[] = [GOOGLE_SCOPES.directoryGroupMembersWrite.scope];

// The largest page members.list serves.
const MEMBERS_PAGE = 200;

/** The members of one Google group, listed, added and removed through the Admin SDK Directory API. */
export interface GoogleGroupMembers {
  readonly provider: 'google';
  readonly group: string;
  keyOf(account: { email?: string | undefined; aadObjectId?: string | undefined }): string | undefined;
  members(): Promise<{ key: string }[]>;
  add(key: string): Promise<void>;
  remove(key: string): Promise<void>;
}

function explain(err: unknown, what: string): unknown {
  const failure = httpFailureOf(err);
  if (!failure) return err;
  if (failure.status === 401 || failure.status === 403) {
    return new LanternError(ErrorCode.AccessGroupFailed, `Google refused ${what} (HTTP ${failure.status}): give the service account's client id domain-wide delegation for ${GROUP_MEMBER_SCOPES.join(' ')}, and make directory.adminSubject an administrator who can manage the group.`, { cause: err });
  }
  if (failure.status === 404) return new LanternError(ErrorCode.AccessGroupFailed, `Google could not find ${what}: check agreements.unsigned.group is the group's email.`, { cause: err });
  return new LanternError(ErrorCode.AccessGroupFailed, `Google answered HTTP ${failure.status} to ${what}.`, { cause: err });
}

/** The Google group of unsigned accounts: user members keyed by their primary email. */
export function googleGroupMembers(client: admin_directory_v1.Admin, groupKey: string, retry: RetryOptions = {}): GoogleGroupMembers {
  const call = async <T>(fn: () => Promise<{ data: T }>, what: string): Promise<T> => {
    try {
      return (await withRetry(fn, httpFailureOf, retry)).data;
    } catch (err) {
      throw explain(err, what);
    }
  };
  return {
    provider: 'google',
    group: groupKey,
    keyOf: (account) => account.email?.toLowerCase(),
    async members() {
      const out: { key: string }[] = [];
      let pageToken: string | undefined;
      do {
        // Direct members only: a nested group is the school's own arrangement and is left alone.
        const params: admin_directory_v1.Params$Resource$Members$List = { groupKey, maxResults: MEMBERS_PAGE, ...(pageToken ? { pageToken } : {}) };
        const data = await call(() => client.members.list(params, { retry: false }), `the members of ${groupKey}`);
        for (const m of data.members ?? []) if ((!m.type || m.type === 'USER') && m.email) out.push({ key: m.email.toLowerCase() });
        pageToken = data.nextPageToken ?? undefined;
      } while (pageToken);
      return out;
    },
    async add(key) {
      await call(() => client.members.insert({ groupKey, requestBody: { email: key, role: 'MEMBER' } }, { retry: false }), `adding ${key} to ${groupKey}`);
    },
    async remove(key) {
      await call(() => client.members.delete({ groupKey, memberKey: key }, { retry: false }), `removing ${key} from ${groupKey}`);
    },
  };
}
