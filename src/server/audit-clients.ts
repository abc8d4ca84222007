import type { LanternConfig } from '../config/load.js';
import { googleAuthFactory } from '../google/auth.js';
import { appTokenProvider } from '../microsoft/auth.js';
import type { AuditClientFactories } from '../monitoring/connectors/school-connectors.js';

/**
 * The audit-log connectors' real clients: Google delegation from each school's key file (a 401 or 403 gets
 * one fresh token), and the shared Microsoft token providers. `mail.google.tokenUrl` points Google at a stand-in.
 */
export function auditClientFactories(config: LanternConfig): AuditClientFactories {
  const tokenUrl = config.mail.google.tokenUrl;
  return {
    googleAuth: (keyFile, subject, scopes) => googleAuthFactory({ keyFile, refreshOnAuthFailure: true, ...(tokenUrl ? { tokenUrl } : {}) })(subject, scopes),
    microsoftTokens: (creds) => appTokenProvider(creds),
  };
}
