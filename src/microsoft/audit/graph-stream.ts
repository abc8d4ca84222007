import type { RetryOptions } from '../../http/retry.js';
import type { AuditStream, RecordPage } from '../../monitoring/connectors/stream.js';
import { GRAPH_SCOPE, type AppTokenProvider } from '../auth.js';
import { microsoftRequest, type MicrosoftCall } from './http.js';

/** The public cloud's Graph root. */
export const DEFAULT_GRAPH_URL = 'https://graph.microsoft.com/v1.0';

const HOUR = 3_600_000;

/** The Graph audit logs Lantern reads, with the time field each is filtered on and how late its entries can arrive. */
export const GRAPH_LOGS = {
  // Entra documents sign-in log latency of minutes, occasionally up to about two hours.
  signIns: { path: 'auditLogs/signIns', timeField: 'createdDateTime', overlapMs: 2 * HOUR },
  directoryAudits: { path: 'auditLogs/directoryAudits', timeField: 'activityDateTime', overlapMs: HOUR },
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
      const c: MicrosoftCall = { tokens: options.tokens, scope: GRAPH_SCOPE, api: `Microsoft Graph ${spec.path}`, ...(options.retry ? { retry: options.retry } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) };
      const filter = `${spec.timeField} ge ${new Date(window.start).toISOString()} and ${spec.timeField} lt ${new Date(window.end).toISOString()}`;
      // 999 is the largest page the audit log endpoints accept.
      let url: string | undefined = `${root}/${spec.path}?$filter=${encodeURIComponent(filter)}&$top=999`;
      while (url) {
        const res: Awaited<ReturnType<typeof microsoftRequest<{ value?: unknown[]; '@odata.nextLink'?: string }>>> = await microsoftRequest<{ value?: unknown[]; '@odata.nextLink'?: string }>('GET', url, c);
        yield { records: Array.isArray(res.body?.value) ? res.body.value : [] };
        url = typeof res.body?.['@odata.nextLink'] === 'string' ? res.body['@odata.nextLink'] : undefined;
      }
    },
  };
}
