import type { RetryOptions } from '../../http/retry.js';
import type { AuditStream, RecordPage } from '../../monitoring/connectors/stream.js';
import { GRAPH_SCOPE, type AppTokenProvider } from '../auth.js';
import { permissionForEndpoint } from '../permissions.js';
import { microsoftRequest, type MicrosoftCall } from './http.js';

/** The public cloud's Graph root. */
export const DEFAULT_GRAPH_URL = 'https://graph.microsoft.com/v1.0';

const HOUR = 3_600_000;

/**
 * The Graph logs Lantern reads, with the time field each is filtered on, how late its entries can arrive and
 * the page size asked for (999 is the largest the audit logs accept; alerts_v2 pages by @odata.nextLink alone).
 */
export const GRAPH_LOGS = {
  // Entra documents sign-in log latency of minutes, occasionally up to about two hours.
  signIns: { path: 'auditLogs/signIns', timeField: 'createdDateTime', overlapMs: 2 * HOUR, top: 999 },
  directoryAudits: { path: 'auditLogs/directoryAudits', timeField: 'activityDateTime', overlapMs: HOUR, top: 999 },
  // Security alerts (Defender, Purview DLP and communication compliance): filtered on lastUpdateDateTime so an
  // alert classified after it was created is still read; its id is its key, so each alert counts once.
  alerts: { path: 'security/alerts_v2', timeField: 'lastUpdateDateTime', overlapMs: HOUR, top: undefined },
} as const;
export type GraphLog = keyof typeof GRAPH_LOGS;

/** What a Graph stream needs. */
export interface GraphOptions {
  tokens: AppTokenProvider;
  /** Root including the version, default https://graph.microsoft.com/v1.0. */
  graphUrl?: string;
  retry?: RetryOptions;
}

/** The de-duplication key of a Graph log entry: its id. */
export function graphKey(raw: unknown): string {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : '';
}

/** A Graph audit log as a stream: `$filter` on the log's time field for the window, following @odata.nextLink. */
export function graphStream(options: GraphOptions, log: GraphLog): AuditStream {
  const spec = GRAPH_LOGS[log];
  const root = (options.graphUrl ?? DEFAULT_GRAPH_URL).replace(/\/+$/, '');
  return {
    id: `microsoft:graph.${log}`,
    source: 'microsoft',
    overlapMs: spec.overlapMs,
    maxWindowMs: 24 * HOUR,
    // Entra keeps these logs 30 days with P1/P2 (7 days without).
    retentionMs: 30 * 24 * HOUR - HOUR,
    eventKey: graphKey,
    async *fetch(window, ctx): AsyncIterable<RecordPage> {
      const permission = permissionForEndpoint(`/${spec.path}`);
      const c: MicrosoftCall = { tokens: options.tokens, scope: GRAPH_SCOPE, api: `Microsoft Graph ${spec.path}`, ...(permission ? { permission } : {}), ...(options.retry ? { retry: options.retry } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) };
      const filter = `${spec.timeField} ge ${new Date(window.start).toISOString()} and ${spec.timeField} lt ${new Date(window.end).toISOString()}`;
      let url: string | undefined = `${root}/${spec.path}?$filter=${encodeURIComponent(filter)}${spec.top ? `&$top=${spec.top}` : ''}`;
      while (url) {
        const res: Awaited<ReturnType<typeof microsoftRequest<{ value?: unknown[]; '@odata.nextLink'?: string }>>> = await microsoftRequest<{ value?: unknown[]; '@odata.nextLink'?: string }>('GET', url, c);
        yield { records: Array.isArray(res.body?.value) ? res.body.value : [] };
        url = typeof res.body?.['@odata.nextLink'] === 'string' ? res.body['@odata.nextLink'] : undefined;
      }
    },
  };
}
