import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DRIVE_QUOTA, GRAPH_RU_COST, graphQuotaFor } from '../monitoring/inventory/quotas.js';
import { filesOf, OUTSIDE_DOMAIN, syntheticFile, tenantUser, type SyntheticFile, type TenantSpec } from './inventory-tenant.js';

/** A limit the stand-in enforces: at most `limit` units in any rolling `windowMs`. */
export interface EnforcedLimit {
  limit: number;
  windowMs: number;
}

/** What the stand-in enforces; by default the documented quotas (src/monitoring/inventory/quotas.ts). */
export interface StandInLimits {
  driveProject: EnforcedLimit;
  drivePerUser: EnforcedLimit;
  graphPerMinute: EnforcedLimit;
}

/** Counters a test or the benchmark reads. */
export interface StandInStats {
  driveCalls: number;
  graphCalls: number;
  graphUnits: number;
  /** 429s sent, per API. */
  driveThrottled: number;
  graphThrottled: number;
  /** Requests that arrived while the Retry-After of an earlier 429 to the same client had not passed. */
  earlyRetries: number;
}

const IN_FLIGHT_MS = 150;

class Window {
  private spent: { at: number; units: number }[] = [];
  private total = 0;
  constructor(private readonly limit: EnforcedLimit) {}
  /** Spends `units` when they fit; otherwise the milliseconds until they would. */
  spend(units: number, now: number): number {
    while (this.spent.length && (this.spent[0] as { at: number }).at <= now - this.limit.windowMs) this.total -= (this.spent.shift() as { units: number }).units;
    if (this.total + units <= this.limit.limit) {
      this.spent.push({ at: now, units });
      this.total += units;
      return 0;
    }
    let free = this.limit.limit - this.total;
    for (const s of this.spent) {
      free += s.units;
      if (free >= units) return s.at + this.limit.windowMs - now;
    }
    return this.limit.windowMs;
  }
}

/** The documented quotas for a tenant of this many users (its licence count). */
export function documentedLimits(users: number): StandInLimits {
  return { driveProject: DRIVE_QUOTA.project, drivePerUser: DRIVE_QUOTA.perUser, graphPerMinute: graphQuotaFor(users).perMinute };
}

/**
 * A local HTTP server standing in for Google (token endpoint, Drive files.list and permissions) and Microsoft (Entra
 * token endpoint, Graph sites, driveItem delta and permissions) over a synthetic tenant, enforcing the quotas given:
 * a request over a limit gets 429 with Retry-After, as the real services answer.
 */
export class InventoryStandIn {
  url = '';
  readonly stats: StandInStats = { driveCalls: 0, graphCalls: 0, graphUnits: 0, driveThrottled: 0, graphThrottled: 0, earlyRetries: 0 };
  /** Permissions removed (`fileId/permissionId`). */
  readonly removed = new Set<string>();
  /** Paths of every request, when `record` is on. */
  readonly requests: { method: string; path: string; at: number; user?: string }[] = [];
  record = false;
  private server!: Server;
  private readonly driveProject: Window;
  private readonly drivePerUser = new Map<string, Window>();
  private readonly graphWindow: Window;
  private readonly blockedUntil = new Map<string, { from: number; until: number }>();

  constructor(
    readonly spec: TenantSpec,
    readonly limits: StandInLimits = documentedLimits(spec.users),
    readonly tenantId = 'tenant-standin',
  ) {
    this.driveProject = new Window(limits.driveProject);
    this.graphWindow = new Window(limits.graphPerMinute);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          this.handle(req, res, Buffer.concat(chunks).toString());
        } catch {
          res.writeHead(500).end();
        }
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private json(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  private throttle(res: ServerResponse, client: string, waitMs: number, api: 'drive' | 'graph'): void {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    this.blockedUntil.set(client, { from: Date.now(), until: Date.now() + seconds * 1000 });
    if (api === 'drive') this.stats.driveThrottled++;
    else this.stats.graphThrottled++;
    this.json(res, 429, { error: { code: 429, message: 'Rate limit exceeded', errors: [{ reason: 'rateLimitExceeded' }] } }, { 'retry-after': String(seconds) });
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const p = decodeURIComponent(url.pathname);
    const now = Date.now();
    if (p === '/google-token') {
      const claims = JSON.parse(Buffer.from(new URLSearchParams(body).get('assertion')?.split('.')[1] ?? '', 'base64url').toString() || '{}') as { sub?: string };
      return this.json(res, 200, { access_token: `google:${claims.sub ?? ''}`, expires_in: 3600 });
    }
    if (p === `/${this.tenantId}/oauth2/v2.0/token`) return this.json(res, 200, { access_token: 'graph-token', expires_in: 3600, ext_expires_in: 3600, token_type: 'Bearer' });
    const auth = req.headers.authorization ?? '';
    const user = auth.startsWith('Bearer google:') ? auth.slice('Bearer google:'.length) : undefined;
    if (this.record) this.requests.push({ method: req.method ?? '', path: `${p}${url.search}`, at: now, ...(user ? { user } : {}) });
    if (p.startsWith('/drive/v3/')) return this.drive(req, res, url, p, auth.replace(/^Bearer google:/, ''), now);
    if (p.startsWith('/v1.0/')) {
      if (auth !== 'Bearer graph-token') return this.json(res, 401, { error: { code: 'InvalidAuthenticationToken' } });
      return this.graph(req, res, url, p, now);
    }
    this.json(res, 404, { error: { code: 'NotFound' } });
  }

  private early(client: string, now: number): void {
    // Requests already on their way when the 429 left (within IN_FLIGHT_MS) could not have known of it.
    const blocked = this.blockedUntil.get(client);
    if (blocked && now > blocked.from + IN_FLIGHT_MS && now < blocked.until - 50) this.stats.earlyRetries++;
  }

  // --- Google Drive ---

  private userIndex(email: string): number | undefined {
    const m = /^user(\d+)@(.+)$/.exec(email.toLowerCase());
    return m && m[2] === this.spec.domain && Number(m[1]) < this.spec.users ? Number(m[1]) : undefined;
  }

  private drivePermissions(file: SyntheticFile, owner: string) {
    const perms: { id: string; type: string; role: string; emailAddress?: string; domain?: string }[] = [{ id: `owner-${owner}`, type: 'user', role: 'owner', emailAddress: owner }];
    if (file.sharing === 'anyone') perms.push({ id: 'anyoneWithLink', type: 'anyone', role: file.role });
    if (file.sharing === 'external-user') perms.push({ id: `ext-${file.id}`, type: 'user', role: file.role, emailAddress: `visitor@${OUTSIDE_DOMAIN}` });
    if (file.sharing === 'external-domain') perms.push({ id: `dom-${file.id}`, type: 'domain', role: file.role, domain: OUTSIDE_DOMAIN });
    if (file.pupil) perms.push({ id: `pupil-${file.id}`, type: 'user', role: 'reader', emailAddress: file.pupil });
    return perms.filter((x) => !this.removed.has(`${file.id}/${x.id}`));
  }

  private drive(req: IncomingMessage, res: ServerResponse, url: URL, p: string, subject: string, now: number): void {
    const client = `drive:${subject}`;
    this.early(client, now);
    let mine = this.drivePerUser.get(subject);
    if (!mine) this.drivePerUser.set(subject, (mine = new Window(this.limits.drivePerUser)));
    const wait = Math.max(mine.spend(1, now), this.driveProject.spend(1, now));
    if (wait > 0) return this.throttle(res, client, wait, 'drive');
    this.stats.driveCalls++;
    const owner = this.userIndex(subject);
    if (owner === undefined) return this.json(res, 403, { error: { code: 403, message: 'unauthorized_client', errors: [{ reason: 'forbidden' }] } });
    if (p === '/drive/v3/files' && req.method === 'GET') {
      const pageSize = Math.min(DRIVE_QUOTA.maxPageSize, Math.max(1, Number(url.searchParams.get('pageSize') ?? 100)));
      const start = Number(url.searchParams.get('pageToken') ?? 0);
      const total = filesOf(this.spec, owner);
      const end = Math.min(total, start + pageSize);
      const files = [];
      for (let j = start; j < end; j++) {
        const f = syntheticFile(this.spec, owner, j, 'f');
        files.push({ id: f.id, name: f.name, mimeType: f.mimeType, modifiedTime: f.modified, permissions: this.drivePermissions(f, subject) });
      }
      return this.json(res, 200, { files, ...(end < total ? { nextPageToken: String(end) } : {}) });
    }
    const list = /^\/drive\/v3\/files\/f-(\d+)-(\d+)\/permissions$/.exec(p);
    if (list && req.method === 'GET' && Number(list[1]) === owner) return this.json(res, 200, { permissions: this.drivePermissions(syntheticFile(this.spec, owner, Number(list[2]), 'f'), subject) });
    const del = /^\/drive\/v3\/files\/(f-(\d+)-\d+)\/permissions\/(.+)$/.exec(p);
    if (del && req.method === 'DELETE' && Number(del[2]) === owner) {
      this.removed.add(`${del[1]}/${del[3]}`);
      res.writeHead(204).end();
      return;
    }
    this.json(res, 404, { error: { code: 404, message: 'File not found' } });
  }

  // --- Microsoft Graph ---

  private graphPermissions(file: SyntheticFile) {
    const perms: { id: string; roles: string[]; link?: { scope: string }; grantedToV2?: { user: { email: string } } }[] = [];
    const roles = [file.role === 'writer' ? 'write' : 'read'];
    if (file.sharing === 'anyone') perms.push({ id: `anon-${file.id}`, roles, link: { scope: 'anonymous' } });
    if (file.sharing === 'external-user' || file.sharing === 'external-domain') perms.push({ id: `guest-${file.id}`, roles, grantedToV2: { user: { email: `visitor@${OUTSIDE_DOMAIN}` } } });
    if (file.sharing === 'organization') perms.push({ id: `org-${file.id}`, roles, link: { scope: 'organization' } });
    if (file.pupil) perms.push({ id: `pupil-${file.id}`, roles: ['read'], grantedToV2: { user: { email: file.pupil } } });
    return perms.filter((x) => !this.removed.has(`${file.id}/${x.id}`));
  }

  private sharedScope(file: SyntheticFile): string | undefined {
    const perms = this.graphPermissions(file);
    if (perms.some((x) => x.link?.scope === 'anonymous')) return 'anonymous';
    if (perms.some((x) => x.grantedToV2)) return 'users';
    if (perms.length) return 'organization';
    return undefined;
  }

  /** A drive of the tenant: `d-<user>` (a OneDrive) or `sd-<site>` (a site's library). */
  private driveOf(driveId: string): { owner: number; prefix: string; total: number; createdBy: string } | undefined {
    const m = /^(d|sd)-(\d+)$/.exec(driveId);
    if (!m) return undefined;
    const n = Number(m[2]);
    if (m[1] === 'd') return n < this.spec.users ? { owner: n, prefix: 'i', total: filesOf(this.spec, n), createdBy: tenantUser(this.spec, n).email } : undefined;
    return n < this.spec.sites ? { owner: 1_000_000 + n, prefix: 's', total: this.spec.siteFiles, createdBy: tenantUser(this.spec, 0).email } : undefined;
  }

  private graph(req: IncomingMessage, res: ServerResponse, url: URL, p: string, now: number): void {
    const client = 'graph';
    this.early(client, now);
    const delta = /^\/v1\.0\/(users|sites)\/([^/]+)\/drive\/root\/delta$/.exec(p);
    const perms = /^\/v1\.0\/drives\/([^/]+)\/items\/([^/]+)\/permissions(?:\/(.+))?$/.exec(p);
    const units = delta ? (url.searchParams.has('token') ? GRAPH_RU_COST.deltaWithToken : GRAPH_RU_COST.multiItem) : perms ? GRAPH_RU_COST.permissions : GRAPH_RU_COST.multiItem;
    const wait = this.graphWindow.spend(units, now);
    if (wait > 0) return this.throttle(res, client, wait, 'graph');
    this.stats.graphCalls++;
    this.stats.graphUnits += units;
    if (p === '/v1.0/sites/getAllSites') {
      return this.json(res, 200, { value: Array.from({ length: this.spec.sites }, (_, k) => ({ id: `site-${k}`, webUrl: `https://${this.spec.domain}/sites/s${k}` })) });
    }
    if (delta) {
      let driveId: string;
      if (delta[1] === 'users') {
        const id = delta[2] as string;
        const index = /^00000000-0000-4000-8000-(\d{12})$/.test(id) ? Number(id.slice(-12)) : this.userIndex(id);
        if (index === undefined || index >= this.spec.users) return this.json(res, 404, { error: { code: 'itemNotFound' } });
        driveId = `d-${index}`;
      } else {
        const k = /^site-(\d+)$/.exec(delta[2] as string);
        if (!k) return this.json(res, 404, { error: { code: 'itemNotFound' } });
        driveId = `sd-${k[1]}`;
      }
      const drive = this.driveOf(driveId);
      if (!drive) return this.json(res, 404, { error: { code: 'itemNotFound' } });
      const top = Math.min(1_000, Math.max(1, Number(url.searchParams.get('$top') ?? 200)));
      const start = Number(url.searchParams.get('token') ?? 0);
      const end = Math.min(drive.total, start + top);
      const value: unknown[] = start === 0 ? [{ id: `root-${driveId}`, root: {}, folder: {}, parentReference: { driveId } }] : [];
      for (let j = start; j < end; j++) {
        const f = syntheticFile(this.spec, drive.owner, j, drive.prefix);
        const scope = this.sharedScope(f);
        value.push({
          id: f.id,
          name: f.name,
          file: { mimeType: f.mimeType },
          lastModifiedDateTime: f.modified,
          createdBy: { user: { email: drive.createdBy } },
          parentReference: { driveId },
          ...(scope ? { shared: { scope } } : {}),
        });
      }
      const self = `${this.url}${url.pathname}`;
      return this.json(res, 200, { value, ...(end < drive.total ? { '@odata.nextLink': `${self}?$top=${top}&token=${end}` } : { '@odata.deltaLink': `${self}?token=latest` }) });
    }
    if (perms) {
      const drive = this.driveOf(perms[1] as string);
      const item = new RegExp(`^${drive?.prefix}-${drive?.owner}-(\\d+)$`).exec(perms[2] as string);
      if (!drive || !item) return this.json(res, 404, { error: { code: 'itemNotFound' } });
      const file = syntheticFile(this.spec, drive.owner, Number(item[1]), drive.prefix);
      if (req.method === 'GET' && !perms[3]) return this.json(res, 200, { value: this.graphPermissions(file) });
      if (req.method === 'DELETE' && perms[3]) {
        this.removed.add(`${file.id}/${perms[3]}`);
        res.writeHead(204).end();
        return;
      }
    }
    this.json(res, 404, { error: { code: 'itemNotFound' } });
  }
}
