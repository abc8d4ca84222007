import type { DirectoryRead, DirectoryReadProgress } from '../../directory/source.js';
import { adminRoleName } from '../../directory/admin-roles.js';
import { personFromRule, type EntraDirectoryRule } from '../../directory/mapping.js';
import type { PersonInput } from '../../directory/person.js';
import { ErrorCode, isLanternError, LanternError } from '../../errors.js';
import type { RetryOptions } from '../../http/retry.js';
import { GRAPH_SCOPE, type AppTokenProvider } from '../auth.js';
import { DEFAULT_GRAPH_URL } from '../audit/graph-stream.js';
import { MicrosoftHttpError, microsoftRequest, type MicrosoftCall } from '../audit/http.js';

/** What reading an Entra directory needs. */
export interface EntraDirectoryOptions {
  tokens: AppTokenProvider;
  rules: readonly EntraDirectoryRule[];
  /** Root including the version, default https://graph.microsoft.com/v1.0. */
  graphUrl?: string;
  retry?: RetryOptions;
  signal?: AbortSignal;
  onProgress?(progress: DirectoryReadProgress): void;
}

interface GraphUser {
  id?: string;
  mail?: string | null;
  userPrincipalName?: string | null;
  displayName?: string | null;
  jobTitle?: string | null;
}

interface GraphPage<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

const PERMISSIONS = 'GroupMember.Read.All and User.Read.All (application permissions, with admin consent)';

async function get<T>(url: string, what: string, options: EntraDirectoryOptions): Promise<T> {
  const c: MicrosoftCall = { tokens: options.tokens, scope: GRAPH_SCOPE, api: `Microsoft Graph (${what})`, ...(options.retry ? { retry: options.retry } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  try {
    return (await microsoftRequest<T>('GET', url, c)).body;
  } catch (err) {
    const status = (isLanternError(err) && err.cause instanceof MicrosoftHttpError ? err.cause.status : undefined) ?? (err instanceof MicrosoftHttpError ? err.status : undefined);
    if (status === 401 || status === 403 || isLanternError(err, ErrorCode.MonitorSourceAuth)) {
      throw new LanternError(ErrorCode.DirectorySourceFailed, `Microsoft refused ${what}: give the Entra app ${PERMISSIONS}.`, { cause: err });
    }
    if (status === 404) throw new LanternError(ErrorCode.DirectorySourceFailed, `Entra could not find ${what}: check the rule in schools[].directory.rules.`, { cause: err });
    throw err;
  }
}

function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A rule's group id: given, or found by display name (exactly one group must have it). */
async function groupIdOf(rule: EntraDirectoryRule, root: string, options: EntraDirectoryOptions): Promise<string> {
  if (rule.groupId) return rule.groupId;
  const name = rule.group ?? '';
  const url = `${root}/groups?$filter=${encodeURIComponent(`displayName eq ${odataString(name)}`)}&$select=id,displayName`;
  const page = await get<GraphPage<{ id?: string }>>(url, `the group named "${name}"`, options);
  const ids = (page.value ?? []).map((g) => g.id).filter((id): id is string => typeof id === 'string');
  if (ids.length !== 1) {
    throw new LanternError(
      ErrorCode.DirectorySourceFailed,
      ids.length === 0 ? `Entra has no group named "${name}": check the rule, or give its groupId instead.` : `${ids.length} Entra groups are named "${name}": give the rule the groupId of the one you mean.`,
    );
  }
  return ids[0] as string;
}

/** The HTTP status behind an error from `get` (its cause, or its cause's cause). */
function httpStatus(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof MicrosoftHttpError) return e.status;
  }
  return undefined;
}

interface GraphDirectoryRole {
  displayName?: string | null;
  roleTemplateId?: string | null;
  members?: Array<{ id?: string; '@odata.type'?: string }>;
}

/**
 * Who holds an activated Entra directory role (`GET /directoryRoles?$expand=members`): user id → role names.
 * Needs RoleManagement.Read.Directory; without it the directory is still read, without admin roles, and a
 * warning says so (undefined is returned).
 */
async function adminRolesById(root: string, options: EntraDirectoryOptions): Promise<Map<string, string[]> | undefined> {
  let page: GraphPage<GraphDirectoryRole>;
  try {
    page = await get<GraphPage<GraphDirectoryRole>>(`${root}/directoryRoles?$select=displayName,roleTemplateId&$expand=members`, 'the directory roles', options);
  } catch (err) {
    if (httpStatus(err) === 403) return undefined;
    throw err;
  }
  const byId = new Map<string, string[]>();
  for (const role of page.value ?? []) {
    const name = adminRoleName(role.displayName || role.roleTemplateId || '');
    if (!name) continue;
    for (const m of role.members ?? []) {
      if (!m.id || (m['@odata.type'] && m['@odata.type'] !== '#microsoft.graph.user')) continue;
      byId.set(m.id, [...(byId.get(m.id) ?? []), name].sort());
    }
  }
  return byId;
}

/**
 * Reads the users of each mapped group (`transitiveMembers/microsoft.graph.user`, nested groups included,
 * following @odata.nextLink) and maps each user by the first rule, in config order, whose group holds them.
 * Users without an email or UPN are counted as skipped. Any failure throws, so a half-read directory is never written.
 */
export async function readEntraDirectory(options: EntraDirectoryOptions): Promise<DirectoryRead> {
  const root = (options.graphUrl ?? DEFAULT_GRAPH_URL).replace(/\/+$/, '');
  const byId = new Map<string, PersonInput>();
  const skippedIds = new Set<string>();
  let read = 0;
  for (const rule of options.rules) {
    const groupId = await groupIdOf(rule, root, options);
    let url: string | undefined = `${root}/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=id,mail,userPrincipalName,displayName,jobTitle&$top=999`;
    while (url) {
      const page: GraphPage<GraphUser> = await get<GraphPage<GraphUser>>(url, `the members of group ${groupId}`, options);
      for (const user of page.value ?? []) {
        read++;
        if (!user.id || byId.has(user.id)) continue; // the first rule that lists a user decides
        const email = user.mail || user.userPrincipalName;
        if (!email) {
          skippedIds.add(user.id);
          continue;
        }
        skippedIds.delete(user.id);
        byId.set(user.id, personFromRule({ personId: user.id, email, displayName: user.displayName?.trim() || email, jobTitle: user.jobTitle, aadObjectId: user.id }, rule));
      }
      options.onProgress?.({ read, mapped: byId.size, skipped: skippedIds.size });
      url = typeof page['@odata.nextLink'] === 'string' ? page['@odata.nextLink'] : undefined;
    }
  }
  const admins = await adminRolesById(root, options);
  if (admins) for (const person of byId.values()) person.adminRoles = admins.get(person.personId) ?? [];
  return {
    people: [...byId.values()],
    skipped: skippedIds.size,
    ...(admins ? {} : { warnings: ['Admin roles were not read: give the Entra app RoleManagement.Read.Directory (application permission, with admin consent) so detections on admin accounts are raised.'] }),
  };
}
