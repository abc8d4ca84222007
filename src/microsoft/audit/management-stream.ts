import { ErrorCode, isLanternError } from '../../errors.js';
import type { RetryOptions } from '../../http/retry.js';
import type { AuditStream, RecordPage } from '../../monitoring/connectors/stream.js';
import { MANAGE_SCOPE, type AppTokenProvider } from '../auth.js';
import { permissionForEndpoint } from '../permissions.js';
import { microsoftRequest, MicrosoftHttpError, type MicrosoftCall } from './http.js';

/** The public cloud's Management API root. */
export const DEFAULT_MANAGE_URL = 'https://manage.office.com';

const HOUR = 3_600_000;

/** What the Management API streams of one tenant need. */
export interface ManagementOptions {
  tenantId: string;
  tokens: AppTokenProvider;
  /** Root, default https://manage.office.com (national clouds and stand-ins differ). */
  manageUrl?: string;
  retry?: RetryOptions;
}

/** One entry of `subscriptions/content`. */
interface ContentItem {
  contentType?: string;
  contentId?: string;
  contentUri?: string;
  contentCreated?: string;
}

function feedUrl(options: ManagementOptions): string {
  return `${(options.manageUrl ?? DEFAULT_MANAGE_URL).replace(/\/+$/, '')}/api/v1.0/${options.tenantId}/activity/feed`;
}

/** Adds PublisherIdentifier (the tenant id), which keeps Lantern's calls in the tenant's own throttling quota. */
function withPublisher(url: string, tenantId: string): string {
  const u = new URL(url);
  if (!u.searchParams.has('PublisherIdentifier')) u.searchParams.set('PublisherIdentifier', tenantId);
  return u.toString();
}

function call(options: ManagementOptions, signal?: AbortSignal): MicrosoftCall {
  return { tokens: options.tokens, scope: MANAGE_SCOPE, api: 'the Office 365 Management Activity API', permission: permissionForEndpoint('/subscriptions/content'), ...(options.retry ? { retry: options.retry } : {}), ...(signal ? { signal } : {}) };
}

/** The API's time format: UTC, to the second, no zone suffix. */
function apiTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/**
 * Starts the subscriptions that are not running (idempotent: the list is read first, and "already enabled"
 * (AF20024) counts as success). Returns the content types it started.
 */
export async function ensureSubscriptions(options: ManagementOptions, contentTypes: readonly string[], signal?: AbortSignal): Promise<string[]> {
  const feed = feedUrl(options);
  const { body } = await microsoftRequest<Array<{ contentType?: string; status?: string }>>('GET', withPublisher(`${feed}/subscriptions/list`, options.tenantId), call(options, signal));
  const enabled = new Set((Array.isArray(body) ? body : []).filter((s) => s.status?.toLowerCase() === 'enabled').map((s) => s.contentType));
  const started: string[] = [];
  for (const contentType of contentTypes) {
    if (enabled.has(contentType)) continue;
    try {
      await microsoftRequest('POST', withPublisher(`${feed}/subscriptions/start?contentType=${encodeURIComponent(contentType)}`, options.tenantId), call(options, signal));
      started.push(contentType);
    } catch (err) {
      const cause = isLanternError(err, ErrorCode.MonitorSourceRejected) ? err.cause : undefined;
      if (!(cause instanceof MicrosoftHttpError && cause.serviceCode === 'AF20024')) throw err;
    }
  }
  return started;
}

/** The de-duplication key of a Management API record: its Id. */
export function managementKey(raw: unknown): string {
  const id = (raw as { Id?: unknown } | null)?.Id;
  return typeof id === 'string' ? id : '';
}

/**
 * One content type of one tenant as an audit stream: list the content blobs created in the window (following
 * NextPageUri), then fetch each blob not finished before. Blobs are listed by when they were created, and
 * core workloads publish within about 60–90 minutes, so an hour of overlap catches blobs created late in a window.
 */
export function managementStream(options: ManagementOptions, contentType: string): AuditStream {
  const feed = feedUrl(options);
  return {
    id: `microsoft:${contentType}`,
    source: 'microsoft',
    overlapMs: HOUR,
    // The API lists at most 24 hours at a time and keeps content for 7 days.
    maxWindowMs: 24 * HOUR,
    retentionMs: 7 * 24 * HOUR - HOUR,
    eventKey: managementKey,
    async *fetch(window, ctx): AsyncIterable<RecordPage> {
      const c = call(options, ctx.signal);
      let url: string | undefined = withPublisher(
        `${feed}/subscriptions/content?contentType=${encodeURIComponent(contentType)}&startTime=${apiTime(window.start)}&endTime=${apiTime(window.end)}`,
        options.tenantId,
      );
      while (url) {
        const listed: Awaited<ReturnType<typeof microsoftRequest<ContentItem[]>>> = await microsoftRequest<ContentItem[]>('GET', url, c);
        for (const item of Array.isArray(listed.body) ? listed.body : []) {
          if (!item.contentId || !item.contentUri || ctx.isDone(item.contentId)) continue;
          const blob = await microsoftRequest<unknown[]>('GET', withPublisher(item.contentUri, options.tenantId), c);
          yield { records: Array.isArray(blob.body) ? blob.body : [], units: [item.contentId] };
        }
        const next = listed.headers.get('NextPageUri');
        url = next ? withPublisher(next, options.tenantId) : undefined;
      }
    },
  };
}
