/** What a Microsoft permission lets Lantern do, so a missing one can be named with its purpose. */
export type MicrosoftFeature = 'monitoring' | 'monitoring-graph' | 'monitoring-alerts' | 'directory' | 'mail' | 'remediation' | 'teams-install' | 'access-group' | 'inventory';

/** One application permission Lantern's code calls an API with. */
export interface MicrosoftPermission {
  readonly permission: string;
  /** Which API's token carries it: Microsoft Graph or the Office 365 Management APIs. */
  readonly api: 'graph' | 'manage';
  readonly feature: MicrosoftFeature;
  /** In words, for the fix line. */
  readonly why: string;
  /** The module that makes the calls. */
  readonly usedIn: string;
  /**
   * The API paths that module calls under this permission, below the API root (`https://graph.microsoft.com/v1.0`,
   * `https://manage.office.com/api/v1.0/{tenant}`), with `{}` for each value filled in and no query string.
   * test/microsoft/permissions-as-code.test.ts finds every Graph and Management API path in the code and fails
   * when one is not listed here.
   */
  readonly endpoints: readonly string[];
}

/**
 * Every application permission Lantern needs, one row per (permission, feature). `lantern doctor` compares a
 * school's granted roles with the rows of the features it turns on. The bot's own Teams messaging needs none:
 * it goes through the Bot Connector with the bot's token.
 */
export const MICROSOFT_PERMISSIONS: readonly MicrosoftPermission[] = [
  { permission: 'ActivityFeed.Read', api: 'manage', feature: 'monitoring', why: 'read the unified audit log', usedIn: 'src/microsoft/audit/management-stream.ts', endpoints: ['/activity/feed', '/activity/feed/subscriptions/list', '/subscriptions/list', '/subscriptions/start', '/subscriptions/content'] },
  { permission: 'AuditLog.Read.All', api: 'graph', feature: 'monitoring-graph', why: 'read sign-ins and directory audits', usedIn: 'src/microsoft/audit/graph-stream.ts', endpoints: ['/auditLogs/signIns', '/auditLogs/directoryAudits'] },
  { permission: 'SecurityAlert.Read.All', api: 'graph', feature: 'monitoring-alerts', why: 'read security alerts (the "do not view" image rule)', usedIn: 'src/microsoft/audit/graph-stream.ts', endpoints: ['/security/alerts_v2'] },
  { permission: 'GroupMember.Read.All', api: 'graph', feature: 'directory', why: 'read the members of the mapped groups', usedIn: 'src/microsoft/directory/read-directory.ts', endpoints: ['/groups', '/groups/{}/transitiveMembers/microsoft.graph.user'] },
  { permission: 'User.Read.All', api: 'graph', feature: 'directory', why: "read staff and pupils' names and addresses", usedIn: 'src/microsoft/directory/read-directory.ts', endpoints: ['/groups/{}/transitiveMembers/microsoft.graph.user'] },
  { permission: 'GroupMember.ReadWrite.All', api: 'graph', feature: 'access-group', why: 'keep the group of unsigned accounts in step (sign before access)', usedIn: 'src/microsoft/directory/group-members.ts', endpoints: ['/groups/{}', '/directoryObjects/{}'] },
  { permission: 'RoleManagement.Read.Directory', api: 'graph', feature: 'directory', why: 'read who holds an admin role', usedIn: 'src/microsoft/directory/read-directory.ts', endpoints: ['/directoryRoles'] },
  { permission: 'Mail.Send', api: 'graph', feature: 'mail', why: 'send the digest and parent emails', usedIn: 'src/mail/graph.ts', endpoints: ['/users/{}/sendMail'] },
  { permission: 'Mail.ReadBasic.All', api: 'graph', feature: 'mail', why: 'find a digest already sent after a crash', usedIn: 'src/mail/graph.ts', endpoints: ['/users/{}/mailFolders/SentItems/messages'] },
  { permission: 'MailboxSettings.ReadWrite', api: 'graph', feature: 'remediation', why: 'list and delete forwarding inbox rules', usedIn: 'src/cases/graph-mail-remediation.ts', endpoints: ['/users/{}/mailFolders/inbox/messageRules'] },
  { permission: 'Sites.ReadWrite.All', api: 'graph', feature: 'remediation', why: 'find a shared file and remove its sharing', usedIn: 'src/cases/graph-sharing-remediation.ts', endpoints: ['/sites/{}', '/sites/{}:{}', '/sites/{}/lists/{}/items/{}/driveItem', '/drives/{}/items/{}/permissions', '/drives/{}/items/{}/permissions/{}'] },
  { permission: 'Files.Read.All', api: 'graph', feature: 'inventory', why: "list every OneDrive's files and their sharing, without contents (`lantern monitor inventory`)", usedIn: 'src/microsoft/drives/inventory-reads.ts', endpoints: ['/users/{}/drive/root/delta', '/drives/{}/items/{}/permissions'] },
  { permission: 'Sites.Read.All', api: 'graph', feature: 'inventory', why: "list every SharePoint site's files and their sharing, without contents (`lantern monitor inventory`)", usedIn: 'src/microsoft/drives/inventory-reads.ts', endpoints: ['/sites/getAllSites', '/sites/{}/drive/root/delta'] },
  { permission: 'AppCatalog.Read.All', api: 'graph', feature: 'teams-install', why: "find Lantern's Teams app in the tenant's catalogue", usedIn: 'src/microsoft/teams-app-install.ts', endpoints: ['/appCatalogs/teamsApps', '/appCatalogs/teamsApps/{}'] },
  { permission: 'TeamsAppInstallation.ReadWriteSelfForUser.All', api: 'graph', feature: 'teams-install', why: 'install Lantern for staff it cannot message yet (`lantern teams install`)', usedIn: 'src/microsoft/teams-app-install.ts', endpoints: ['/users/{}/teamwork/installedApps'] },
];

/** The permission a declared API path is called with (for naming it when Microsoft answers 403). */
export function permissionForEndpoint(endpoint: string): string | undefined {
  return MICROSOFT_PERMISSIONS.find((p) => p.endpoints.includes(endpoint))?.permission;
}

/** The permissions a set of features needs, per API. */
export function permissionsFor(features: ReadonlySet<MicrosoftFeature>): MicrosoftPermission[] {
  return MICROSOFT_PERMISSIONS.filter((p) => features.has(p.feature));
}
