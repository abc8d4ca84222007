/**
 * Every error Lantern raises on purpose carries a code from this table. Callers branch on the code,
 * never on the message; the message tells the person reading it what to do next.
 */
export const ErrorCode = {
  ConfigInvalid: 'config_invalid',
  ConfigUnreadable: 'config_unreadable',
  BindRefused: 'bind_refused',
  PortInUse: 'port_in_use',
  DatabaseUnavailable: 'database_unavailable',
  EmbeddedDatabaseUnavailable: 'embedded_database_unavailable',
  EmbeddedDatabaseBusy: 'embedded_database_busy',
  JobUnknown: 'job_unknown',
  JobInvalid: 'job_invalid',
  CardTemplateMissing: 'card_template_missing',
  CardTemplateUnfilled: 'card_template_unfilled',
  CardTemplateInvalid: 'card_template_invalid',
  ManifestInvalid: 'manifest_invalid',
  UsageError: 'usage_error',
  DigestNotConfigured: 'digest_not_configured',
  MailNotConfigured: 'mail_not_configured',
  MailSendFailed: 'mail_send_failed',
  MonitorSourceUnavailable: 'monitor_source_unavailable',
  MonitorSourceAuth: 'monitor_source_auth',
  MonitorSourceRejected: 'monitor_source_rejected',
  MonitorSourceUnreachable: 'monitor_source_unreachable',
  MonitorSourceTls: 'monitor_source_tls',
  MonitorSourceForbidden: 'monitor_source_forbidden',
  MonitorSourceThrottled: 'monitor_source_throttled',
  CaseNotFound: 'case_not_found',
  CaseInputInvalid: 'case_input_invalid',
  AgreementNotFound: 'agreement_not_found',
  AgreementBusy: 'agreement_busy',
  AgreementInvalid: 'agreement_invalid',
  ConsentBusy: 'consent_busy',
  ConsentClassUnknown: 'consent_class_unknown',
  ConsentTypeUnknown: 'consent_type_unknown',
  ParentLinksInvalid: 'parent_links_invalid',
  SignInFailed: 'sign_in_failed',
  ClassroomFailed: 'classroom_failed',
  DirectorySourceFailed: 'directory_source_failed',
  DirectorySyncRefused: 'directory_sync_refused',
  PushNotConfigured: 'push_not_configured',
  BackupInvalid: 'backup_invalid',
  RestoreRefused: 'restore_refused',
  MigrationFailed: 'migration_failed',
  TeamsAppNotInCatalog: 'teams_app_not_in_catalog',
  RecordInvalid: 'record_invalid',
  AccessGroupFailed: 'access_group_failed',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An expected failure with a stable code and a message that says how to fix it. */
export class LanternError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: readonly string[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LanternError';
    this.code = code;
    this.details = options.details ?? [];
  }
}

/** True when `err` is a LanternError, optionally with the given code. */
export function isLanternError(err: unknown, code?: ErrorCode): err is LanternError {
  return err instanceof LanternError && (code === undefined || err.code === code);
}
