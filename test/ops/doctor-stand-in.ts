import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpStandIn } from '../support/http-stand-in.js';

async function bodyOf(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

/** An unsigned JWT whose payload carries `roles`, as Entra's app-only tokens do. */
function jwt(payload: Record<string, unknown>): string {
  return `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;
}

/**
 * A school's cloud as `lantern doctor` sees it: the Entra token endpoint (tokens carry the granted roles of
 * Graph and the Management APIs), Management Activity subscriptions, the Bot Connector's team channel list,
 * Google's token endpoint granting only the delegated scopes, and Lantern's own /healthz behind publicUrl.
 */
export class DoctorStandIn extends HttpStandIn {
  clientSecret = 'fake-secret';
  readonly graphRoles = new Set<string>();
  readonly manageRoles = new Set<string>();
  readonly subscriptions = new Map<string, string>();
  /** Team id → its channel ids. */
  readonly teams = new Map<string, string[]>();
  readonly delegatedScopes = new Set<string>();

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(url.pathname)) {
      const form = new URLSearchParams(await bodyOf(req));
      if (form.get('client_secret') !== this.clientSecret) return send(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
      const scope = form.get('scope') ?? '';
      const roles = scope.includes('graph.microsoft.com') ? [...this.graphRoles] : scope.includes('manage.office.com') ? [...this.manageRoles] : [];
      return send(200, { token_type: 'Bearer', expires_in: 3599, access_token: jwt({ aud: scope, roles }) });
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      const form = new URLSearchParams(await bodyOf(req));
      const claims = JSON.parse(Buffer.from((form.get('assertion') ?? '').split('.')[1] ?? '', 'base64url').toString('utf8')) as { scope?: string };
      const scopes = (claims.scope ?? '').split(' ');
      if (!scopes.every((s) => this.delegatedScopes.has(s))) return send(401, { error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.' });
      return send(200, { access_token: 'ya29.fake', expires_in: 3600, token_type: 'Bearer' });
    }
    if (url.pathname === '/healthz') return send(200, { status: 'ok' });
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ')) return send(401, { error: 'no token' });
    if (/^\/api\/v1\.0\/[^/]+\/activity\/feed\/subscriptions\/list$/.test(url.pathname)) {
      return send(200, [...this.subscriptions].map(([contentType, status]) => ({ contentType, status, webhook: null })));
    }
    const team = /^\/v3\/teams\/([^/]+)\/conversations$/.exec(url.pathname);
    if (team) {
      const channels = this.teams.get(decodeURIComponent(team[1] ?? ''));
      return channels ? send(200, { conversations: channels.map((id) => ({ id, name: 'DSL' })) }) : send(404, { error: { code: 'NotFound' } });
    }
    send(404, { error: `no route ${url.pathname}` });
  }
}
