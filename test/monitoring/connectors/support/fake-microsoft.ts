import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ScriptedFailure } from './fake-google.js';
import { HttpStandIn } from '../../../support/http-stand-in.js';

/** A content blob the fake Management API lists. */
export interface FakeBlob {
  contentType: string;
  contentId: string;
  /** When the blob became available (ms). */
  created: number;
  records: Record<string, unknown>[];
}

/** One API request as the fake saw it. */
export interface SeenMsRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  token: string;
}

/**
 * A local HTTP server standing in for Microsoft: the Entra token endpoint (client credentials), the Office 365
 * Management Activity API (subscriptions, content listing with NextPageUri, blobs), Graph auditLogs
 * (signIns, directoryAudits with $filter on time and @odata.nextLink) and Graph security/alerts_v2.
 */
export class FakeMicrosoft extends HttpStandIn {
  readonly blobs: FakeBlob[] = [];
  readonly signIns: Record<string, unknown>[] = [];
  readonly directoryAudits: Record<string, unknown>[] = [];
  /** Graph security alerts (v2), filtered on lastUpdateDateTime. */
  readonly alerts: Record<string, unknown>[] = [];
  /** API paths answered 403 as Graph does when the app lacks the permission. */
  readonly forbidden = new Set<string>();
  /** API paths answered 401 whatever the token (consent withdrawn). */
  readonly unauthorised = new Set<string>();
  readonly subscriptions = new Map<string, string>();
  readonly requests: SeenMsRequest[] = [];
  readonly tokenRequests: Array<{ tenant: string; clientId: string; scope: string }> = [];
  /** Failures returned, in order, instead of the next API (not token) answer. */
  readonly failures: ScriptedFailure[] = [];
  readonly revoked = new Set<string>();
  pageSize = 2;
  clientSecret = 'fake-secret';
  private issued = 0;

  get lastToken(): string {
    return `eyJ.fake-${this.issued}`;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const tokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (req.method === 'POST' && tokenPath) {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_secret') !== this.clientSecret) {
        return send(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] });
      }
      this.tokenRequests.push({ tenant: tokenPath[1] ?? '', clientId: form.get('client_id') ?? '', scope: form.get('scope') ?? '' });
      this.issued++;
      return send(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: this.lastToken });
    }
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    this.requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, token });
    if (!token.startsWith('eyJ.fake-') || this.revoked.has(token)) return send(401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' } });
    if (this.unauthorised.has(url.pathname)) return send(401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' } });
    if (this.forbidden.has(url.pathname)) return send(403, { error: { code: 'Forbidden', message: 'Missing application roles.' } });
    const failure = this.failures.shift();
    if (failure) return send(failure.status, { error: { code: failure.status === 429 ? 'TooManyRequests' : 'Scripted', message: 'scripted' } }, failure.retryAfter ? { 'retry-after': failure.retryAfter } : {});

    const feed = /^\/api\/v1\.0\/([^/]+)\/activity\/feed\/(.+)$/.exec(url.pathname);
    if (feed) return this.management(req.method ?? '', feed[2] ?? '', url, send);
    if (url.pathname === '/v1.0/auditLogs/signIns') return this.graph(this.signIns, 'createdDateTime', url, send);
    if (url.pathname === '/v1.0/auditLogs/directoryAudits') return this.graph(this.directoryAudits, 'activityDateTime', url, send);
    if (url.pathname === '/v1.0/security/alerts_v2') return this.graph(this.alerts, 'lastUpdateDateTime', url, send);
    send(404, { error: { code: 'NotFound', message: url.pathname } });
  }

  private management(method: string, rest: string, url: URL, send: (s: number, b: unknown, h?: Record<string, string>) => void): void {
    const q = url.searchParams;
    if (rest === 'subscriptions/list') return send(200, [...this.subscriptions].map(([contentType, status]) => ({ contentType, status, webhook: null })));
    if (method === 'POST' && rest === 'subscriptions/start') {
      const ct = q.get('contentType') ?? '';
      if (this.subscriptions.get(ct) === 'enabled') return send(400, { error: { code: 'AF20024', message: 'The subscription is already enabled. No property change.' } });
      this.subscriptions.set(ct, 'enabled');
      return send(200, { contentType: ct, status: 'enabled', webhook: null });
    }
    if (rest === 'subscriptions/content') {
      const ct = q.get('contentType') ?? '';
      if (this.subscriptions.get(ct) !== 'enabled') return send(400, { error: { code: 'AF20022', message: 'No subscription found for the specified content type' } });
      const start = Date.parse(`${q.get('startTime')}Z`);
      const end = Date.parse(`${q.get('endTime')}Z`);
      if (!(end - start <= 24 * 3_600_000)) return send(400, { error: { code: 'AF20055', message: 'Start time and end time must both be specified (or both omitted) and must be less than or equal to 24 hours apart.' } });
      const matching = this.blobs.filter((b) => b.contentType === ct && b.created >= start && b.created < end).sort((a, b) => a.created - b.created);
      const offset = Number(q.get('nextPage') ?? '0');
      const items = matching.slice(offset, offset + this.pageSize).map((b) => ({
        contentType: b.contentType,
        contentId: b.contentId,
        contentUri: `${this.url}/api/v1.0/${url.pathname.split('/')[3]}/activity/feed/audit/${b.contentId}`,
        contentCreated: new Date(b.created).toISOString(),
      }));
      const headers: Record<string, string> = {};
      if (offset + this.pageSize < matching.length) {
        const next = new URL(url);
        next.searchParams.set('nextPage', String(offset + this.pageSize));
        next.searchParams.delete('PublisherIdentifier');
        headers.NextPageUri = next.toString();
      }
      return send(200, items, headers);
    }
    const blob = /^audit\/(.+)$/.exec(rest);
    if (blob) {
      const found = this.blobs.find((b) => b.contentId === blob[1]);
      return found ? send(200, found.records) : send(404, { error: { code: 'AF20051', message: 'Content requested with the key does not exist.' } });
    }
    send(404, { error: { code: 'NotFound', message: rest } });
  }

  private graph(log: Record<string, unknown>[], field: string, url: URL, send: (s: number, b: unknown) => void): void {
    const filter = url.searchParams.get('$filter') ?? '';
    const m = new RegExp(`^${field} ge (\\S+) and ${field} lt (\\S+)$`).exec(filter);
    if (!m) return send(400, { error: { code: 'BadRequest', message: `unsupported filter ${filter}` } });
    const start = Date.parse(m[1] ?? '');
    const end = Date.parse(m[2] ?? '');
    const matching = log.filter((e) => Date.parse(String(e[field])) >= start && Date.parse(String(e[field])) < end).sort((a, b) => Date.parse(String(b[field])) - Date.parse(String(a[field])));
    const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
    const value = matching.slice(skip, skip + this.pageSize);
    const body: Record<string, unknown> = { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs', value };
    if (skip + this.pageSize < matching.length) {
      const next = new URL(url);
      next.searchParams.set('$skiptoken', String(skip + this.pageSize));
      body['@odata.nextLink'] = next.toString();
    }
    send(200, body);
  }
}
