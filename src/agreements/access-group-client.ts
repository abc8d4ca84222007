import type { LanternConfig, School } from '../config/load.js';
import { ErrorCode, LanternError } from '../errors.js';
import { googleAuthFactory } from '../google/auth.js';
import { createDirectoryClient } from '../google/directory/read-directory.js';
import { GROUP_MEMBER_SCOPES, googleGroupMembers } from '../google/directory/group-members.js';
import { appTokenProvider } from '../microsoft/auth.js';
import { entraGroupMembers } from '../microsoft/directory/group-members.js';
import type { RetryOptions } from '../http/retry.js';
import type { AccessGroupClient } from './unsigned-group.js';

/**
 * The client of a school's unsigned-accounts group (`agreements.unsigned.group`), in the same Google Workspace
 * or Entra tenant as its directory and with the same credentials; an error naming the fix when it has none.
 */
export function accessGroupClient(config: LanternConfig, school: School, options: { retry?: RetryOptions } = {}): AccessGroupClient {
  const group = school.agreements?.unsigned?.group;
  if (!group) throw new LanternError(ErrorCode.AccessGroupFailed, `School ${school.id} keeps no group of unsigned accounts: set agreements.unsigned.group to a Google group's email or an Entra group's object id.`);
  const d = school.directory;
  if (d.source === 'google') {
    const keyFile = config.mail.google.serviceAccountKeyFile;
    const subject = d.adminSubject ?? school.google?.adminSubject;
    if (!keyFile || !subject) throw new LanternError(ErrorCode.AccessGroupFailed, `School ${school.id}: set LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE and directory.adminSubject, which the group sync uses as the directory sync does.`);
    const auth = googleAuthFactory({ keyFile, code: ErrorCode.AccessGroupFailed, refreshOnAuthFailure: true, ...(config.mail.google.tokenUrl ? { tokenUrl: config.mail.google.tokenUrl } : {}) })(subject, GROUP_MEMBER_SCOPES);
    return googleGroupMembers(createDirectoryClient(auth, d.apiUrl), group, options.retry);
  }
  if (d.source === 'entra') {
    const creds = config.directory.entra[school.id];
    if (!creds) throw new LanternError(ErrorCode.AccessGroupFailed, `School ${school.id}: ${config.directory.missing[school.id] ?? 'set microsoft.tenantId and the app credentials'}.`);
    const authorityHost = school.microsoft?.monitoring?.authorityHost ?? config.mail.microsoft.authorityHost;
    return entraGroupMembers({
      tokens: appTokenProvider({ ...creds, authorityHost }),
      groupId: group,
      graphUrl: d.graphUrl ?? school.microsoft?.monitoring?.graphUrl ?? config.mail.microsoft.graphUrl,
      ...(options.retry ? { retry: options.retry } : {}),
    });
  }
  throw new LanternError(ErrorCode.AccessGroupFailed, `School ${school.id}'s directory is ${d.source}: the group of unsigned accounts is kept in Google Workspace or Entra only.`);
}
