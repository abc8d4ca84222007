import type { OAuth2Client } from 'google-auth-library';
import { alertcenter_v1beta1 } from 'googleapis/build/src/apis/alertcenter/v1beta1.js';
import { classifyFailure } from '../../http/failure-cause.js';
import { httpFailureOf } from '../../http/failure.js';
import { withRetry, type RetryOptions } from '../../http/retry.js';
import type { AuditStream, RecordPage, TimeWindow } from '../../monitoring/connectors/stream.js';
import { apiRoot } from '../auth.js';
import { GOOGLE_SCOPES } from '../scopes.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PAGE_SIZE = 100;

/** The delegated scope of the Alert Center API; grant it to the service account's client id under domain-wide delegation. */
export const ALERT_CENTER_SCOPE = GOOGLE_SCOPES.alertCenter.scope;

/** Builds the Alert Center client on a delegated service account client. */
export function createAlertCenterClient(auth: OAuth2Client, rootUrl?: string): alertcenter_v1beta1.Alertcenter {
  return new alertcenter_v1beta1.Alertcenter({ auth, ...apiRoot(rootUrl) });
}

/** What an Alert Center stream needs. */
export interface AlertCenterStreamOptions {
  client: alertcenter_v1beta1.Alertcenter;
  /** The school's customer id as configured ("C03az79cb"); the API wants it without the leading C. */
  customerId: string;
  retry?: RetryOptions;
  /** The API root the client was built with (a stand-in's), for naming the host when it cannot be reached. */
  rootUrl?: string;
}

/** The de-duplication key of an Alert Center alert: its alertId. */
export function alertKey(raw: unknown): string {
  const id = (raw as { alertId?: unknown } | null)?.alertId;
  return typeof id === 'string' ? id : '';
}

function explain(err: unknown, rootUrl: string | undefined): unknown {
  const delegation = `in the Google Admin console → Security → API controls → Domain-wide delegation, add ${ALERT_CENTER_SCOPE} to the service account's client id, and check google.adminSubject is a super administrator`;
  return classifyFailure(err, {
    api: "Google's Alert Center API",
    url: rootUrl ?? 'https://alertcenter.googleapis.com/',
    fixUnauthorised: delegation,
    fixForbidden: delegation,
    fixRejected: 'check google.customerId',
  });
}

/**
 * A school's Google Workspace Alert Center as an audit stream: `alerts.list` filtered on createTime for the
 * window, oldest first, every page. Google offers push for alerts only through a Cloud Pub/Sub topic, which
 * Lantern does not use, so the stream is polled like the others.
 */
export function alertCenterStream(options: AlertCenterStreamOptions): AuditStream {
  const { client } = options;
  const customerId = options.customerId.replace(/^C/i, '');
  return {
    id: 'google:alertcenter',
    source: 'google',
    // createTime is when the alert was written, so alerts do not arrive late against it; an hour covers clock skew.
    overlapMs: HOUR,
    maxWindowMs: DAY,
    // Google documents no limit for listing old alerts; a backfill asks no further back than the Reports API keeps.
    retentionMs: 180 * DAY,
    eventKey: alertKey,
    async *fetch(window: TimeWindow, ctx): AsyncIterable<RecordPage> {
      const filter = `createTime >= "${new Date(window.start).toISOString()}" AND createTime < "${new Date(window.end).toISOString()}"`;
      let pageToken: string | undefined;
      do {
        const params: alertcenter_v1beta1.Params$Resource$Alerts$List = { customerId, filter, orderBy: 'create_time asc', pageSize: PAGE_SIZE, ...(pageToken ? { pageToken } : {}) };
        const res = await withRetry(() => client.alerts.list(params, { retry: false, ...(ctx.signal ? { signal: ctx.signal } : {}) }), httpFailureOf, {
          api: "Google's Alert Center API",
          ...options.retry,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        }).catch((err: unknown) => {
          throw explain(err, options.rootUrl);
        });
        yield { records: res.data.alerts ?? [] };
        pageToken = res.data.nextPageToken ?? undefined;
      } while (pageToken);
    },
  };
}
