import type { OAuth2Client } from 'google-auth-library';
import { admin_directory_v1 } from 'googleapis/build/src/apis/admin/directory_v1.js';
import type { DirectoryRead, DirectoryReadProgress } from '../../directory/source.js';
import { firstGoogleRule, personFromRule, type GoogleDirectoryRule } from '../../directory/mapping.js';
import type { PersonInput } from '../../directory/person.js';
import { ErrorCode, LanternError } from '../../errors.js';
import { scopesOf } from '../scopes.js';
import { withRetry, type RetryOptions } from '../../http/retry.js';
import { httpFailureOf } from '../../http/failure.js';
import { apiRoot } from '../auth.js';

/** Read-only Directory API scopes; grant them to the service account's client id under domain-wide delegation. */
export const DIRECTORY_SCOPES: readonly string[] = scopesOf('directory');

// The largest pages the Directory API serves for users and for group members.
const USERS_PAGE = 500;
const MEMBERS_PAGE = 200;

/** Builds the Directory API client on a delegated service account client. */
export function createDirectoryClient(auth: OAuth2Client, rootUrl?: string): admin_directory_v1.Admin {
  return new admin_directory_v1.Admin({ auth, ...apiRoot(rootUrl) });
}

/** What reading a Google directory needs. */
export interface GoogleDirectoryOptions {
  client: admin_directory_v1.Admin;
  rules: readonly GoogleDirectoryRule[];
  retry?: RetryOptions;
  signal?: AbortSignal;
  onProgress?(progress: DirectoryReadProgress): void;
}

function explain(err: unknown, what: string): unknown {
  if (err instanceof LanternError) return err;
  const failure = httpFailureOf(err);
  if (!failure) return err;
  if (failure.status === 401 || failure.status === 403) {
    return new LanternError(
      ErrorCode.DirectorySourceFailed,
      `Google refused ${what} (HTTP ${failure.status}): give the service account's client id domain-wide delegation for ${DIRECTORY_SCOPES.join(' and ')}, and make directory.adminSubject an administrator who can read users and groups.`,
      { cause: err },
    );
  }
  if (failure.status === 404) return new LanternError(ErrorCode.DirectorySourceFailed, `Google could not find ${what}: check the rule in schools[].directory.rules.`, { cause: err });
  return new LanternError(ErrorCode.DirectorySourceFailed, `Google answered HTTP ${failure.status} to ${what}.`, { cause: err });
}

async function call<T>(fn: () => Promise<{ data: T }>, what: string, options: GoogleDirectoryOptions): Promise<T> {
  try {
    const res = await withRetry(fn, httpFailureOf, { ...options.retry, ...(options.signal ? { signal: options.signal } : {}) });
    return res.data;
  } catch (err) {
    throw explain(err, what);
  }
}

/** The member ids and emails of one group, nested groups included. */
async function groupMembers(options: GoogleDirectoryOptions, groupKey: string): Promise<Set<string>> {
  const out = new Set<string>();
  let pageToken: string | undefined;
  do {
    const params: admin_directory_v1.Params$Resource$Members$List = { groupKey, includeDerivedMembership: true, maxResults: MEMBERS_PAGE, ...(pageToken ? { pageToken } : {}) };
    const data = await call(() => options.client.members.list(params, { retry: false, ...(options.signal ? { signal: options.signal } : {}) }), `the group ${groupKey}`, options);
    for (const m of data.members ?? []) {
      if (m.type && m.type !== 'USER') continue;
      if (m.id) out.add(m.id);
      if (m.email) out.add(m.email.toLowerCase());
    }
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken);
  return out;
}

/**
 * The admin roles users.list reports: `isAdmin` is a super administrator, `isDelegatedAdmin` holds some other
 * admin role (which one needs the role-management scope, not granted to Lantern).
 */
export function googleAdminRoles(user: Pick<admin_directory_v1.Schema$User, 'isAdmin' | 'isDelegatedAdmin'>): string[] {
  return [...(user.isAdmin ? ['Super Admin'] : []), ...(user.isDelegatedAdmin ? ['Delegated admin'] : [])];
}

/**
 * Reads every user of the customer (`users.list`, my_customer, basic projection, all pages) and the members of
 * each mapped group, then maps each active user by the first matching rule. Suspended and archived users are
 * left out (the sync marks them inactive); users no rule matches are counted as skipped. Any failure throws, so
 * a half-read directory is never written.
 */
export async function readGoogleDirectory(options: GoogleDirectoryOptions): Promise<DirectoryRead> {
  const groups = new Map<string, Set<string>>();
  for (const rule of options.rules) {
    if (rule.group && !groups.has(rule.group)) groups.set(rule.group, await groupMembers(options, rule.group));
  }
  const people: PersonInput[] = [];
  let skipped = 0;
  let read = 0;
  let pageToken: string | undefined;
  do {
    const params: admin_directory_v1.Params$Resource$Users$List = { customer: 'my_customer', projection: 'basic', maxResults: USERS_PAGE, ...(pageToken ? { pageToken } : {}) };
    const data = await call(() => options.client.users.list(params, { retry: false, ...(options.signal ? { signal: options.signal } : {}) }), 'the user list', options);
    for (const user of data.users ?? []) {
      read++;
      if (!user.id || !user.primaryEmail || user.suspended || user.archived) continue;
      const email = user.primaryEmail.toLowerCase();
      const rule = firstGoogleRule(options.rules, { id: user.id, email, orgUnitPath: user.orgUnitPath }, groups);
      if (!rule) {
        skipped++;
        continue;
      }
      const person = personFromRule({ personId: user.id, email, displayName: user.name?.fullName?.trim() || email }, rule);
      person.adminRoles = googleAdminRoles(user);
      people.push(person);
    }
    options.onProgress?.({ read, mapped: people.length, skipped });
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken);
  return { people, skipped };
}
