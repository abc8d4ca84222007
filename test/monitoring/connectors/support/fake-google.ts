import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { HttpStandIn } from '../../../support/http-stand-in.js';

/** A scripted failure the fake returns instead of the next Reports API page. */
export interface ScriptedFailure {
  status: number;
  retryAfter?: string;
}

/** One Reports API request as the fake saw it. */
export interface SeenRequest {
  application: string;
  startTime: string;
  endTime: string;
  pageToken?: string;
  customerId?: string;
  token: string;
}

/**
 * A local HTTP server standing in for Google: the OAuth token endpoint (JWT bearer grant), the Reports
 * API `activities.list`, listing newest first and paging `pageSize` activities at a time, and the Alert
 * Center `alerts.list` (createTime filter, oldest first).
 */
export class FakeGoogle extends HttpStandIn {
  readonly activities: Record<string, unknown>[] = [];
  readonly requests: SeenRequest[] = [];
  readonly tokenRequests: Array<{ sub: string; scope: string; iss: string }> = [];
  readonly failures: ScriptedFailure[] = [];
  readonly watches: Array<Record<string, unknown>> = [];
  /** Channels stopped with channels.stop ({id, resourceId}). */
  readonly stopped: Array<{ id: string; resourceId: string }> = [];
  /** Failures returned, in order, instead of the next watch answer. */
  readonly watchFailures: ScriptedFailure[] = [];
  /** Tokens the API refuses (an expired or revoked token). */
  readonly revoked = new Set<string>();
  /** Alert Center alerts served by `alerts.list`. */
  readonly alerts: Record<string, unknown>[] = [];
  /** Alert Center requests as seen: customerId, filter, pageToken. */
  readonly alertRequests: Array<{ customerId: string; filter: string; pageToken: string }> = [];
  /** Failures returned, in order, instead of the next Alert Center answer. */
  readonly alertFailures: ScriptedFailure[] = [];
  /** Scopes whose domain-wide delegation is missing: a token request naming one gets unauthorized_client. */
  readonly undelegated = new Set<string>();
  pageSize = 2;
  private issued = 0;

  /** The last token issued. */
  get lastToken(): string {
    return `ya29.fake-${this.issued}`;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'POST' && url.pathname === '/token') {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      const form = new URLSearchParams(body);
      const assertion = form.get('assertion') ?? '';
      const payload = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}') as { sub?: string; scope?: string; iss?: string };
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' || !payload.sub) return send(400, { error: 'invalid_grant' });
      if ((payload.scope ?? '').split(' ').some((s) => this.undelegated.has(s))) {
        return send(401, { error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.' });
      }
      this.tokenRequests.push({ sub: payload.sub, scope: payload.scope ?? '', iss: payload.iss ?? '' });
      this.issued++;
      return send(200, { access_token: this.lastToken, expires_in: 3600, token_type: 'Bearer' });
    }
    const watch = /^\/admin\/reports\/v1\/activity\/users\/all\/applications\/([^/]+)\/watch$/.exec(url.pathname);
    if (req.method === 'POST' && watch) {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      const channel = JSON.parse(body) as Record<string, unknown>;
      const failure = this.watchFailures.shift();
      if (failure) return send(failure.status, { error: { code: failure.status, message: 'scripted' } });
      this.watches.push({ application: watch[1] ?? '', ...channel });
      return send(200, { kind: 'api#channel', id: channel.id, resourceId: `res-${watch[1]}-${this.watches.length}`, resourceUri: url.toString(), token: channel.token, expiration: channel.expiration });
    }
    if (req.method === 'POST' && url.pathname === '/admin/reports_v1/channels/stop') {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      const channel = JSON.parse(body) as { id?: string; resourceId?: string };
      if (!channel.id || !channel.resourceId) return send(400, { error: { code: 400, message: 'id and resourceId are required' } });
      this.stopped.push({ id: channel.id, resourceId: channel.resourceId });
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/v1beta1/alerts') return this.alertCenter(req, url, send);
    const m = /^\/admin\/reports\/v1\/activity\/users\/([^/]+)\/applications\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!token.startsWith('ya29.fake-') || this.revoked.has(token)) return send(401, { error: { code: 401, message: 'Request had invalid authentication credentials.' } });
      const application = decodeURIComponent(m[2] ?? '');
      const q = url.searchParams;
      this.requests.push({
        application,
        startTime: q.get('startTime') ?? '',
        endTime: q.get('endTime') ?? '',
        token,
        ...(q.get('pageToken') ? { pageToken: q.get('pageToken') as string } : {}),
        ...(q.get('customerId') ? { customerId: q.get('customerId') as string } : {}),
      });
      const failure = this.failures.shift();
      if (failure) return send(failure.status, { error: { code: failure.status, message: 'scripted' } }, failure.retryAfter ? { 'retry-after': failure.retryAfter } : {});
      const start = Date.parse(q.get('startTime') ?? '');
      const end = Date.parse(q.get('endTime') ?? '');
      const matching = this.activities
        .filter((a) => {
          const id = a.id as { applicationName: string; time: string };
          const t = Date.parse(id.time);
          return id.applicationName === application && (Number.isNaN(start) || t >= start) && (Number.isNaN(end) || t <= end);
        })
        .sort((a, b) => Date.parse((b.id as { time: string }).time) - Date.parse((a.id as { time: string }).time));
      const offset = Number(q.get('pageToken') ?? '0');
      const items = matching.slice(offset, offset + this.pageSize);
      const next = offset + this.pageSize < matching.length ? String(offset + this.pageSize) : undefined;
      return send(200, { kind: 'admin#reports#activities', items, ...(next ? { nextPageToken: next } : {}) });
    }
    send(404, { error: { code: 404, message: `no route ${req.method} ${url.pathname}` } });
  }

  private alertCenter(req: IncomingMessage, url: URL, send: (status: number, body: unknown, headers?: Record<string, string>) => void): void {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!token.startsWith('ya29.fake-')) return send(401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } });
    const q = url.searchParams;
    const filter = q.get('filter') ?? '';
    this.alertRequests.push({ customerId: q.get('customerId') ?? '', filter, pageToken: q.get('pageToken') ?? '' });
    const failure = this.alertFailures.shift();
    if (failure) return send(failure.status, { error: { code: failure.status, message: 'scripted' } }, failure.retryAfter ? { 'retry-after': failure.retryAfter } : {});
    const m = /^createTime >= "([^"]+)" AND createTime < "([^"]+)"$/.exec(filter);
    if (!m) return send(400, { error: { code: 400, message: `unsupported filter ${filter}`, status: 'INVALID_ARGUMENT' } });
    const start = Date.parse(m[1] ?? '');
    const end = Date.parse(m[2] ?? '');
    const matching = this.alerts
      .filter((a) => Date.parse(String(a.createTime)) >= start && Date.parse(String(a.createTime)) < end)
      .sort((a, b) => Date.parse(String(a.createTime)) - Date.parse(String(b.createTime)));
    const offset = Number(q.get('pageToken') || '0');
    const alerts = matching.slice(offset, offset + this.pageSize);
    const next = offset + this.pageSize < matching.length ? String(offset + this.pageSize) : undefined;
    send(200, { alerts, ...(next ? { nextPageToken: next } : {}) });
  }
}

/** Writes a service account JSON key with a fresh RSA key to a temporary file; returns its path. */
export function writeServiceAccountKey(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-sa-'));
  const file = path.join(dir, 'key.json');
  writeFileSync(file, JSON.stringify({ type: 'service_account', client_email: 'lantern@northgate-monitoring.iam.gserviceaccount.com', private_key: privateKey, private_key_id: 'k1', client_id: '1234567890' }));
  return file;
}
