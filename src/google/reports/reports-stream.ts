import type { OAuth2Client } from 'google-auth-library';
import { GOOGLE_SCOPES } from '../scopes.js';
import { admin_reports_v1 } from 'googleapis/build/src/apis/admin/reports_v1.js';
import { classifyFailure } from '../../http/failure-cause.js';
import type { AuditStream, RecordPage, TimeWindow } from '../../monitoring/connectors/stream.js';
import { httpFailureOf } from '../../http/failure.js';
import { apiRoot } from '../auth.js';
import { withRetry, type RetryOptions } from '../../http/retry.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How late each application's records can arrive, after Google's "Data retention and lag times" page (Admin
 * help 7061566): admin events appear in a couple of minutes, calendar in tens of minutes and up to a couple of
 * hours; drive, login, token and gmail can take hours. Each poll re-reads this much behind its checkpoint, so a
 * late record is still read; the seen-key list makes the re-read cost nothing but the request.
 */
export const GOOGLE_LAG_MS: Readonly<Record<string, number>> = {
  admin: 30 * MINUTE,
  user_accounts: 30 * MINUTE,
  calendar: 3 * HOUR,
  drive: 4 * HOUR,
  login: 4 * HOUR,
  token: 4 * HOUR,
  gmail: 4 * HOUR,
};

/** Reports API audit data is kept about six months; nothing older can be read. */
const RETENTION_MS = 180 * DAY;
const PAGE_SIZE = 1000;

/** The read-only scope of the Reports API audit logs; grant it to the service account's client id under domain-wide delegation. */
export const REPORTS_AUDIT_SCOPE = GOOGLE_SCOPES.reportsAudit.scope;

/** Builds the Reports API client on a delegated service account client. */
export function createReportsClient(auth: OAuth2Client, rootUrl?: string): admin_reports_v1.Admin {
  return new admin_reports_v1.Admin({ auth, ...apiRoot(rootUrl) });
}

function explain(err: unknown, application: string, rootUrl: string | undefined): unknown {
  const delegation = `check that the service account's client id has domain-wide delegation for ${REPORTS_AUDIT_SCOPE} and that google.adminSubject is an administrator with the Reports privilege`;
  return classifyFailure(err, {
    api: `Google's Reports API (${application})`,
    url: rootUrl ?? 'https://admin.googleapis.com/',
    fixUnauthorised: delegation,
    fixForbidden: delegation,
    fixRejected: 'check google.customerId and google.applications',
  });
}

/** What a Reports API stream needs. */
export interface ReportsStreamOptions {
  client: admin_reports_v1.Admin;
  /** The client's credentials: a 401 (token expired or revoked early) gets one fresh token and a retry. */
  auth?: OAuth2Client;
  customerId: string;
  application: string;
  retry?: RetryOptions;
  /** Override of the application's overlap (default GOOGLE_LAG_MS). */
  overlapMs?: number;
  /** The API root the client was built with (a stand-in's), for naming the host when it cannot be reached. */
  rootUrl?: string;
}

/** The de-duplication key of a Reports API activity: application, time and unique qualifier (the qualifier alone can repeat). */
export function activityKey(raw: unknown): string {
  const id = (raw as { id?: { applicationName?: unknown; time?: unknown; uniqueQualifier?: unknown } } | null)?.id;
  if (!id || (typeof id.uniqueQualifier !== 'string' && typeof id.uniqueQualifier !== 'number')) return '';
  return `${String(id.applicationName)}|${String(id.time)}|${String(id.uniqueQualifier)}`;
}

/** One Reports API application of one customer as an audit stream (`activities.list`, userKey all, every page). */
export function reportsStream(options: ReportsStreamOptions): AuditStream {
  const { client, customerId, application } = options;
  return {
    id: `google:${application}`,
    source: 'google',
    overlapMs: options.overlapMs ?? GOOGLE_LAG_MS[application] ?? 4 * HOUR,
    maxWindowMs: DAY,
    retentionMs: RETENTION_MS,
    eventKey: activityKey,
    async *fetch(window: TimeWindow, ctx): AsyncIterable<RecordPage> {
      let pageToken: string | undefined;
      do {
        const params: admin_reports_v1.Params$Resource$Activities$List = {
          userKey: 'all',
          applicationName: application,
          customerId,
          startTime: new Date(window.start).toISOString(),
          endTime: new Date(window.end).toISOString(),
          maxResults: PAGE_SIZE,
          ...(pageToken ? { pageToken } : {}),
        };
        const list = () =>
          withRetry(() => client.activities.list(params, { retry: false, ...(ctx.signal ? { signal: ctx.signal } : {}) }), httpFailureOf, {
            api: `Google's Reports API (${application})`,
            ...options.retry,
            ...(ctx.signal ? { signal: ctx.signal } : {}),
          });
        const res = await list()
          .catch(async (err: unknown) => {
            if (!options.auth || httpFailureOf(err)?.status !== 401) throw err;
            // Mark the cached token expired so the library (and its token cache) fetch a fresh one.
            options.auth.credentials = { ...options.auth.credentials, expiry_date: 1 };
            await options.auth.getAccessToken();
            return list();
          })
          .catch((err: unknown) => {
            throw explain(err, application, options.rootUrl);
          });
        yield { records: res.data.items ?? [] };
        pageToken = res.data.nextPageToken ?? undefined;
      } while (pageToken);
    },
  };
}
