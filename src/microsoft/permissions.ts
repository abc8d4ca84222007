/** What a Microsoft permission lets Lantern do, so a missing one can be named with its purpose. */
export type MicrosoftFeature = 'monitoring' | 'monitoring-graph' | 'directory' | 'mail' | 'remediation' | 'access-group';

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
}

/**
 * Every application permission Lantern needs, one row per (permission, feature). `lantern doctor` compares a
 * school's granted roles with the rows of the features it turns on. The bot's own Teams messaging needs none:
 * it goes through the Bot Connector with the bot's token.
 */
export const MICROSOFT_PERMISSIONS: readonly MicrosoftPermission[] = [
  { permission: 'ActivityFeed.Read', api: 'manage', feature: 'monitoring', why: 'read the unified audit log', usedIn: 'src/microsoft/audit/management-stream.ts' },
  { permission: 'AuditLog.Read.All', api: 'graph', feature: 'monitoring-graph', why: 'read sign-ins and directory audits', usedIn: 'src/microsoft/audit/graph-stream.ts' },
  { permission: 'GroupMember.Read.All', api: 'graph', feature: 'directory', why: 'read the members of the mapped groups', usedIn: 'src/microsoft/directory/read-directory.ts' },
  { permission: 'User.Read.All', api: 'graph', feature: 'directory', why: "read staff and pupils' names and addresses", usedIn: 'src/microsoft/directory/read-directory.ts' },
  { permission: 'GroupMember.ReadWrite.All', api: 'graph', feature: 'access-group', why: 'keep the group of unsigned accounts in step (sign before access)', usedIn: 'src/microsoft/directory/group-members.ts' },
  { permission: 'Mail.Send', api: 'graph', feature: 'mail', why: 'send the digest and parent emails', usedIn: 'src/mail/graph.ts' },
  { permission: 'Mail.ReadBasic.All', api: 'graph', feature: 'mail', why: 'find a digest already sent after a crash', usedIn: 'src/mail/graph.ts' },
  { permission: 'MailboxSettings.ReadWrite', api: 'graph', feature: 'remediation', why: 'list and delete forwarding inbox rules', usedIn: 'src/cases/graph-mail-remediation.ts' },
  { permission: 'Sites.ReadWrite.All', api: 'graph', feature: 'remediation', why: 'find a shared file and remove its sharing', usedIn: 'src/cases/graph-sharing-remediation.ts' },
];

/** The permissions a set of features needs, per API. */
export function permissionsFor(features: ReadonlySet<MicrosoftFeature>): MicrosoftPermission[] {
  return MICROSOFT_PERMISSIONS.filter((p) => features.has(p.feature));
}
