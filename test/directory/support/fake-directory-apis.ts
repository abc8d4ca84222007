import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ScriptedFailure } from '../../monitoring/connectors/support/fake-google.js';
import { HttpStandIn } from '../../support/http-stand-in.js';

/** A Google Workspace user as users.list returns it (basic projection). */
export interface FakeGoogleUser {
  id: string;
  primaryEmail: string;
  name: { fullName: string };
  orgUnitPath: string;
  suspended?: boolean;
  isAdmin?: boolean;
  isDelegatedAdmin?: boolean;
}

/** An Entra user as transitiveMembers/microsoft.graph.user returns it. */
export interface FakeEntraUser {
  id: string;
  mail: string | null;
  userPrincipalName: string;
  displayName: string;
  jobTitle: string | null;
}

/**
 * A local HTTP server standing in for the Admin SDK Directory API (users.list, members.list) and Microsoft
 * Graph (groups by display name, transitiveMembers cast to users). Tokens come from the existing FakeGoogle
 * and FakeMicrosoft token endpoints; this fake checks they look like theirs. Pages are `pageSize` long.
 */
export class FakeDirectoryApis extends HttpStandIn {
  readonly googleUsers: FakeGoogleUser[] = [];
  /** Google group email → member {id, email, type}. */
  readonly googleGroups = new Map<string, Array<{ id: string; email: string; type: string }>>();
  /** Entra group id → display name and its (transitive) user members. */
  readonly entraGroups = new Map<string, { displayName: string; users: FakeEntraUser[] }>();
  /** Failures returned, in order, instead of the next API answer; `afterRequests` delays one until that many requests were served. */
  readonly failures: Array<ScriptedFailure & { afterRequests?: number }> = [];
  readonly requests: Array<{ method: string; path: string; query: URLSearchParams }> = [];
  /** Activated Entra directory roles and their member user ids (GET /directoryRoles?$expand=members). */
  readonly entraRoles: Array<{ displayName: string; roleTemplateId: string; memberIds: string[] }> = [];
  /** Answer GET /directoryRoles with this status instead (403: the app lacks RoleManagement.Read.Directory). */
  directoryRolesStatus: number | undefined;
  pageSize = 2;

  private page<T>(items: T[], offset: number): { items: T[]; next?: string } {
    const slice = items.slice(offset, offset + this.pageSize);
    return offset + this.pageSize < items.length ? { items: slice, next: String(offset + this.pageSize) } : { items: slice };
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const served = this.requests.length;
    this.requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams });
    if (!token.startsWith('ya29.fake-') && !token.startsWith('eyJ.fake-')) return send(401, { error: { code: 401, message: 'no token' } });
    const failure = this.failures[0];
    if (failure && served >= (failure.afterRequests ?? 0)) {
      this.failures.shift();
      return send(failure.status, { error: { code: failure.status, message: 'scripted' } }, failure.retryAfter ? { 'retry-after': failure.retryAfter } : {});
    }
    const q = url.searchParams;
    if (url.pathname === '/admin/directory/v1/users') {
      if (q.get('customer') !== 'my_customer' || q.get('projection') !== 'basic') return send(400, { error: { code: 400, message: 'expected customer=my_customer&projection=basic' } });
      const { items, next } = this.page(this.googleUsers, Number(q.get('pageToken') ?? '0'));
      return send(200, { kind: 'admin#directory#users', users: items, ...(next ? { nextPageToken: next } : {}) });
    }
    const members = /^\/admin\/directory\/v1\/groups\/([^/]+)\/members$/.exec(url.pathname);
    if (members) {
      const group = this.googleGroups.get(decodeURIComponent(members[1] ?? ''));
      if (!group) return send(404, { error: { code: 404, message: 'Resource Not Found: groupKey' } });
      const { items, next } = this.page(group, Number(q.get('pageToken') ?? '0'));
      return send(200, { kind: 'admin#directory#members', members: items.map((m) => ({ kind: 'admin#directory#member', role: 'MEMBER', status: 'ACTIVE', ...m })), ...(next ? { nextPageToken: next } : {}) });
    }
    if (url.pathname === '/v1.0/groups') {
      const m = /^displayName eq '(.*)'$/.exec(q.get('$filter') ?? '');
      const name = (m?.[1] ?? '').replace(/''/g, "'");
      return send(200, { value: [...this.entraGroups].filter(([, g]) => g.displayName === name).map(([id, g]) => ({ id, displayName: g.displayName })) });
    }
    if (url.pathname === '/v1.0/directoryRoles') {
      if (this.directoryRolesStatus) return send(this.directoryRolesStatus, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } });
      if (q.get('$expand') !== 'members') return send(400, { error: { code: 'BadRequest', message: 'expected $expand=members' } });
      return send(200, {
        value: this.entraRoles.map((r) => ({ id: `role-${r.roleTemplateId}`, displayName: r.displayName, roleTemplateId: r.roleTemplateId, members: r.memberIds.map((id) => ({ '@odata.type': '#microsoft.graph.user', id })) })),
      });
    }
    const transitive = /^\/v1\.0\/groups\/([^/]+)\/transitiveMembers\/microsoft\.graph\.user$/.exec(url.pathname);
    if (transitive) {
      const group = this.entraGroups.get(decodeURIComponent(transitive[1] ?? ''));
      if (!group) return send(404, { error: { code: 'Request_ResourceNotFound', message: 'Resource does not exist.' } });
      if (q.get('$select') !== 'id,mail,userPrincipalName,displayName,jobTitle') return send(400, { error: { code: 'BadRequest', message: 'unexpected $select' } });
      const { items, next } = this.page(group.users, Number(q.get('$skiptoken') ?? '0'));
      const body: Record<string, unknown> = { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users', value: items.map((u) => ({ '@odata.type': '#microsoft.graph.user', ...u })) };
      if (next) {
        const link = new URL(url);
        link.searchParams.set('$skiptoken', next);
        body['@odata.nextLink'] = link.toString();
      }
      return send(200, body);
    }
    send(404, { error: { code: 404, message: `no route ${req.method} ${url.pathname}` } });
  }
}
