import type { LanternConfig, School } from '../../config/load.js';
import { GOOGLE_AUDIT_APPLICATIONS } from '../../config/schema.js';
import type { OAuth2Client } from 'google-auth-library';
import { createReportsClient, reportsStream, REPORTS_AUDIT_SCOPE } from '../../google/reports/reports-stream.js';
import { ALERT_CENTER_SCOPE, alertCenterStream, createAlertCenterClient } from '../../google/alertcenter/alert-center-stream.js';
import type { AppCredentials, AppTokenProvider } from '../../microsoft/auth.js';
import { graphStream } from '../../microsoft/audit/graph-stream.js';
import { ensureSubscriptions, managementStream } from '../../microsoft/audit/management-stream.js';
import type { Source } from '../types.js';
import type { RetryOptions } from '../../http/retry.js';
import type { AuditStream } from './stream.js';

/**
 * How the connectors get their credentials, given by whoever starts them (the job handlers, the CLI), so the
 * monitoring core never reads key files or builds sign-in clients itself.
 */
export interface AuditClientFactories {
  /** A Google client acting as `subject` (domain-wide delegation) with the service account key in `keyFile`. */
  googleAuth(keyFile: string, subject: string, scopes: readonly string[]): OAuth2Client;
  /** The app-only token provider of a Microsoft tenant. */
  microsoftTokens(creds: AppCredentials): AppTokenProvider;
}

/** The streams of one (school, source), and what to do once before polling them. */
export interface SourceConnector {
  source: Source;
  streams: AuditStream[];
  /** Idempotent set-up before a poll (Management API subscriptions). */
  prepare(signal?: AbortSignal): Promise<void>;
}

/** The sources a school has credentials for, i.e. the ones Lantern polls. */
export function configuredSources(config: LanternConfig, schoolId: string): Source[] {
  const out: Source[] = [];
  if (config.monitoring.google[schoolId]) out.push('google');
  if (config.monitoring.microsoft[schoolId]) out.push('microsoft');
  return out;
}

function googleConnector(clients: AuditClientFactories, config: LanternConfig, school: School, retry?: RetryOptions): SourceConnector | undefined {
  const creds = config.monitoring.google[school.id];
  const g = school.google;
  if (!creds || !g) return undefined;
  const auth = clients.googleAuth(creds.serviceAccountKeyFile, creds.adminSubject, [REPORTS_AUDIT_SCOPE]);
  const client = createReportsClient(auth, g.reportsUrl);
  const applications = g.applications ?? GOOGLE_AUDIT_APPLICATIONS;
  const streams = applications.map((application) => reportsStream({ client, auth, customerId: g.customerId, application, ...(g.reportsUrl ? { rootUrl: g.reportsUrl } : {}), ...(retry ? { retry } : {}) }));
  if (g.alertCenter) {
    // Its own delegated client: a school that has not delegated apps.alerts yet still gets its audit logs read.
    const alerts = createAlertCenterClient(clients.googleAuth(creds.serviceAccountKeyFile, creds.adminSubject, [ALERT_CENTER_SCOPE]), g.alertCenterUrl);
    streams.push(alertCenterStream({ client: alerts, customerId: g.customerId, ...(g.alertCenterUrl ? { rootUrl: g.alertCenterUrl } : {}), ...(retry ? { retry } : {}) }));
  }
  return { source: 'google', streams, prepare: async () => undefined };
}

function microsoftConnector(clients: AuditClientFactories, config: LanternConfig, school: School, retry?: RetryOptions): SourceConnector | undefined {
  const creds = config.monitoring.microsoft[school.id];
  const m = school.microsoft?.monitoring;
  if (!creds || !m) return undefined;
  const tokens = clients.microsoftTokens({ ...creds, authorityHost: m.authorityHost ?? config.mail.microsoft.authorityHost });
  const management = { tenantId: creds.tenantId, tokens, ...(m.manageUrl ? { manageUrl: m.manageUrl } : {}), ...(retry ? { retry } : {}) };
  const graph = { tokens, graphUrl: m.graphUrl ?? config.mail.microsoft.graphUrl, ...(retry ? { retry } : {}) };
  const streams = m.contentTypes.map((ct) => managementStream(management, ct));
  if (m.graph) streams.push(graphStream(graph, 'signIns'), graphStream(graph, 'directoryAudits'));
  if (m.alerts) streams.push(graphStream(graph, 'alerts'));
  return {
    source: 'microsoft',
    streams,
    prepare: async (signal) => void (await ensureSubscriptions(management, m.contentTypes, signal)),
  };
}

/** The connector of one school and source, or undefined when the school has no credentials for it. */
export function sourceConnector(clients: AuditClientFactories, config: LanternConfig, schoolId: string, source: Source, retry?: RetryOptions): SourceConnector | undefined {
  const school = config.schools.find((s) => s.id === schoolId);
  if (!school) return undefined;
  return source === 'google' ? googleConnector(clients, config, school, retry) : microsoftConnector(clients, config, school, retry);
}
