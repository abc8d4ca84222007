/** What a Google scope lets Lantern do, so a missing delegation can be named with its purpose. */
export type GoogleFeature = 'monitoring' | 'monitoring-alerts' | 'directory' | 'classroom' | 'mail' | 'remediation' | 'access-group' | 'inventory';

/** One OAuth scope granted to the service account by domain-wide delegation. */
export interface GoogleScope {
  readonly scope: string;
  readonly feature: GoogleFeature;
  readonly why: string;
  /**
   * The googleapis API module its calls go through (`googleapis/build/src/apis/<api>.js`);
   * test/microsoft/permissions-as-code.test.ts fails when the code imports an API no scope names.
   */
  readonly api: string;
}

const AUTH = 'https://www.googleapis.com/auth/';

/** Every scope Lantern's service account asks for; the clients take theirs from here and `lantern doctor` tries each. */
export const GOOGLE_SCOPES = {
  reportsAudit: { scope: `${AUTH}admin.reports.audit.readonly`, feature: 'monitoring', why: 'read the audit logs', api: 'admin/reports_v1' },
  alertCenter: { scope: `${AUTH}apps.alerts`, feature: 'monitoring-alerts', why: 'read Alert Center alerts (the "do not view" image rule)', api: 'alertcenter/v1beta1' },
  directoryUsers: { scope: `${AUTH}admin.directory.user.readonly`, feature: 'directory', why: 'read users', api: 'admin/directory_v1' },
  directoryGroupMembers: { scope: `${AUTH}admin.directory.group.member.readonly`, feature: 'directory', why: 'read group members', api: 'admin/directory_v1' },
  directoryGroupMembersWrite: { scope: `${AUTH}admin.directory.group.member`, feature: 'access-group', why: 'keep the group of unsigned accounts in step (sign before access)', api: 'admin/directory_v1' },
  classroomCoursework: { scope: `${AUTH}classroom.coursework.students`, feature: 'classroom', why: 'post the pupil agreement as an assignment', api: 'classroom/v1' },
  classroomRosters: { scope: `${AUTH}classroom.rosters.readonly`, feature: 'classroom', why: 'read class lists', api: 'classroom/v1' },
  classroomEmails: { scope: `${AUTH}classroom.profile.emails`, feature: 'classroom', why: "match pupils by email", api: 'classroom/v1' },
  gmailSend: { scope: `${AUTH}gmail.send`, feature: 'mail', why: 'send the digest and parent emails', api: 'gmail/v1' },
  gmailReadonly: { scope: `${AUTH}gmail.readonly`, feature: 'mail', why: 'find a digest already sent after a crash', api: 'gmail/v1' },
  driveMetadataReadonly: { scope: `${AUTH}drive.metadata.readonly`, feature: 'inventory', why: "list each user's files and their sharing, without contents (`lantern monitor inventory`)", api: 'drive/v3' },
  drive: { scope: `${AUTH}drive`, feature: 'remediation', why: "remove a file's sharing", api: 'drive/v3' },
  gmailSettingsSharing: { scope: `${AUTH}gmail.settings.sharing`, feature: 'remediation', why: 'turn off forwarding', api: 'gmail/v1' },
  gmailSettingsBasic: { scope: `${AUTH}gmail.settings.basic`, feature: 'remediation', why: 'remove forwarding filters', api: 'gmail/v1' },
} as const satisfies Record<string, GoogleScope>;

/** The scopes of one feature, as a client asks for them. */
export function scopesOf(feature: GoogleFeature): string[] {
  return Object.values(GOOGLE_SCOPES).filter((s) => s.feature === feature).map((s) => s.scope);
}
