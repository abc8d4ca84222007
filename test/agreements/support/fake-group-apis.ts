import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpStandIn } from '../../support/http-stand-in.js';

/**
 * A local HTTP server standing in for the members of one Google group (Admin SDK Directory API: members.list,
 * insert, delete) and one Entra group (Graph: members cast to users, members/$ref add and remove). Tokens come
 * from the FakeGoogle and FakeMicrosoft token endpoints. `refuse` answers 403 to writes of those members.
 */
export class FakeGroupApis extends HttpStandIn {
  /** Google group email → member emails. */
  readonly googleGroups = new Map<string, Set<string>>();
  /** Entra group id → member object ids. */
  readonly entraGroups = new Map<string, Set<string>>();
  readonly refuse = new Set<string>();
  readonly writes: Array<{ method: string; path: string; body: unknown }> = [];
  pageSize = 2;

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : undefined;
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!token.startsWith('ya29.fake-') && !token.startsWith('eyJ.fake-')) return send(401, { error: { code: 401, message: 'no token' } });
    if (req.method !== 'GET') this.writes.push({ method: req.method ?? '', path: decodeURIComponent(url.pathname), body });
    const offset = Number(url.searchParams.get('pageToken') ?? url.searchParams.get('$skiptoken') ?? '0');

    const google = /^\/admin\/directory\/v1\/groups\/([^/]+)\/members(?:\/([^/]+))?$/.exec(url.pathname);
    if (google) {
      const group = this.googleGroups.get(decodeURIComponent(google[1] ?? ''));
      if (!group) return send(404, { error: { code: 404, message: 'Resource Not Found: groupKey' } });
      const member = google[2] ? decodeURIComponent(google[2]) : undefined;
      if (req.method === 'GET' && !member) {
        const all = [...group].sort();
        const items = all.slice(offset, offset + this.pageSize).map((email) => ({ kind: 'admin#directory#member', email, id: `id-${email}`, role: 'MEMBER', type: 'USER', status: 'ACTIVE' }));
        return send(200, { kind: 'admin#directory#members', members: items, ...(offset + this.pageSize < all.length ? { nextPageToken: String(offset + this.pageSize) } : {}) });
      }
      if (req.method === 'POST' && !member) {
        const email = String(body?.email ?? '');
        if (this.refuse.has(email)) return send(403, { error: { code: 403, message: 'Not Authorized to access this resource/api' } });
        if (group.has(email)) return send(409, { error: { code: 409, message: 'Member already exists.' } });
        group.add(email);
        return send(200, { kind: 'admin#directory#member', email, role: 'MEMBER', type: 'USER' });
      }
      if (req.method === 'DELETE' && member) {
        if (this.refuse.has(member)) return send(403, { error: { code: 403, message: 'Not Authorized to access this resource/api' } });
        if (!group.delete(member)) return send(404, { error: { code: 404, message: 'Resource Not Found: memberKey' } });
        return send(204);
      }
    }

    const entra = /^\/v1\.0\/groups\/([^/]+)\/members(\/microsoft\.graph\.user|\/\$ref|\/([^/]+)\/\$ref)$/.exec(decodeURIComponent(url.pathname));
    if (entra) {
      const group = this.entraGroups.get(entra[1] ?? '');
      if (!group) return send(404, { error: { code: 'Request_ResourceNotFound', message: 'Resource does not exist.' } });
      if (req.method === 'GET' && entra[2] === '/microsoft.graph.user') {
        const all = [...group].sort();
        const out: Record<string, unknown> = { value: all.slice(offset, offset + this.pageSize).map((id) => ({ '@odata.type': '#microsoft.graph.user', id })) };
        if (offset + this.pageSize < all.length) {
          const next = new URL(url);
          next.searchParams.set('$skiptoken', String(offset + this.pageSize));
          out['@odata.nextLink'] = next.toString();
        }
        return send(200, out);
      }
      if (req.method === 'POST' && entra[2] === '/$ref') {
        const ref = /\/directoryObjects\/([^/]+)$/.exec(String(body?.['@odata.id'] ?? ''));
        if (!ref) return send(400, { error: { code: 'BadRequest', message: 'expected @odata.id' } });
        const id = decodeURIComponent(ref[1] ?? '');
        if (this.refuse.has(id)) return send(403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } });
        if (group.has(id)) return send(400, { error: { code: 'Request_BadRequest', message: 'One or more added object references already exist.' } });
        group.add(id);
        return send(204);
      }
      if (req.method === 'DELETE' && entra[3]) {
        if (this.refuse.has(entra[3])) return send(403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } });
        if (!group.delete(entra[3])) return send(404, { error: { code: 'Request_ResourceNotFound', message: 'Resource does not exist.' } });
        return send(204);
      }
    }
    send(404, { error: { code: 404, message: `no route ${req.method} ${url.pathname}` } });
  }
}
