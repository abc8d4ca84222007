import { createVerify, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { INetworkModule } from '@azure/msal-node';
import { simpleParser, type ParsedMail } from 'mailparser';

/** A message a stand-in received: the raw MIME, parsed, and the provider id it was given. */
export interface Received {
  raw: Buffer;
  parsed: ParsedMail;
  id: string;
  sender: string;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    resolve(`http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
  }));
}

/** A local server standing in for Google's token endpoint and the Gmail API (send and search). */
export interface GmailStandIn {
  url: string;
  tokenUrl: string;
  keyFile: string;
  received: Received[];
  /** Subjects (the `sub` claim) the token endpoint was asked to impersonate. */
  subjects: string[];
  /** Status to answer the next sends with (e.g. 503); reset after use. */
  failNextSend: number | null;
  close(): Promise<void>;
}

/** Starts the Gmail stand-in with a fresh service-account key, written as a Google JSON key file. */
export async function startGmailStandIn(): Promise<GmailStandIn> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gmail-sa-'));
  const keyFile = path.join(dir, 'key.json');
  writeFileSync(keyFile, JSON.stringify({ type: 'service_account', client_email: 'lantern@project.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) }));
  const state: Omit<GmailStandIn, 'close' | 'url' | 'tokenUrl'> = { keyFile, received: [], subjects: [], failNextSend: null };
  const tokens = new Map<string, string>();
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'POST' && url.pathname === '/token') {
        const form = new URLSearchParams((await body(req)).toString());
        const [h, p, sig] = (form.get('assertion') ?? '').split('.');
        const valid = form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer' && h && p && sig && createVerify('RSA-SHA256').update(`${h}.${p}`).verify(publicKey, Buffer.from(sig, 'base64url'));
        if (!valid) return json(400, { error: 'invalid_grant' });
        const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { sub?: string; scope?: string };
        if (!claims.sub || !claims.scope?.includes('gmail.send')) return json(400, { error: 'unauthorized_client' });
        state.subjects.push(claims.sub);
        const token = `tok-${state.subjects.length}`;
        tokens.set(token, claims.sub);
        return json(200, { access_token: token, expires_in: 3600, token_type: 'Bearer' });
      }
      const sender = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (!sender) return json(401, { error: { code: 401, message: 'no token' } });
      if (req.method === 'POST' && url.pathname === '/gmail/v1/users/me/messages/send') {
        if (state.failNextSend) {
          const status = state.failNextSend;
          state.failNextSend = null;
          return json(status, { error: { code: status, message: 'stand-in failure' } });
        }
        const { raw } = JSON.parse((await body(req)).toString()) as { raw: string };
        const mime = Buffer.from(raw, 'base64url');
        const id = `gm-${state.received.length + 1}`;
        state.received.push({ raw: mime, parsed: await simpleParser(mime, { keepCidLinks: true }), id, sender });
        return json(200, { id, threadId: id, labelIds: ['SENT'] });
      }
      if (req.method === 'GET' && url.pathname === '/gmail/v1/users/me/messages') {
        const q = url.searchParams.get('q') ?? '';
        const wanted = q.startsWith('rfc822msgid:') ? `<${q.slice('rfc822msgid:'.length)}>` : undefined;
        const hits = state.received.filter((m) => m.sender === sender && wanted && m.parsed.messageId === wanted);
        return json(200, hits.length ? { messages: hits.map((m) => ({ id: m.id, threadId: m.id })), resultSizeEstimate: hits.length } : { resultSizeEstimate: 0 });
      }
      json(404, { error: { code: 404, message: `stand-in has no ${req.method} ${url.pathname}` } });
    })();
  });
  const url = await listen(server);
  return Object.assign(state, { url: `${url}/`, tokenUrl: `${url}/token`, close: () => new Promise<void>((r) => server.close(() => r())) });
}

/** The host MSAL is told about; it insists on https, so the network client below maps it to the local stand-in. */
export const MS_LOGIN_HOST = 'https://login.stand-in.test';

/** A local server standing in for the Microsoft identity platform (token endpoint) and Graph sendMail / Sent Items. */
export interface GraphStandIn {
  url: string;
  graphUrl: string;
  networkClient: INetworkModule;
  received: Received[];
  tokenRequests: number;
  close(): Promise<void>;
}

/** Starts the Graph stand-in for one tenant and client secret. */
export async function startGraphStandIn(tenantId: string, clientId: string, clientSecret: string): Promise<GraphStandIn> {
  const state = { received: [] as Received[], tokenRequests: 0 };
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(value));
      };
      if (url.pathname === `/${tenantId}/v2.0/.well-known/openid-configuration`) {
        const base = `${MS_LOGIN_HOST}/${tenantId}`;
        return json(200, { token_endpoint: `${base}/oauth2/v2.0/token`, authorization_endpoint: `${base}/oauth2/v2.0/authorize`, end_session_endpoint: `${base}/oauth2/v2.0/logout`, issuer: `${base}/v2.0`, jwks_uri: `${base}/discovery/v2.0/keys` });
      }
      if (req.method === 'POST' && url.pathname === `/${tenantId}/oauth2/v2.0/token`) {
        const form = new URLSearchParams((await body(req)).toString());
        if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) return json(401, { error: 'invalid_client' });
        state.tokenRequests++;
        return json(200, { access_token: 'graph-token', expires_in: 3600, ext_expires_in: 3600, token_type: 'Bearer' });
      }
      if (req.headers.authorization !== 'Bearer graph-token') return json(401, { error: { code: 'InvalidAuthenticationToken' } });
      const send = /^\/v1\.0\/users\/([^/]+)\/sendMail$/.exec(url.pathname);
      if (req.method === 'POST' && send && req.headers['content-type']?.startsWith('text/plain')) {
        const mime = Buffer.from((await body(req)).toString(), 'base64');
        const id = `AAMk-${state.received.length + 1}`;
        state.received.push({ raw: mime, parsed: await simpleParser(mime, { keepCidLinks: true }), id, sender: decodeURIComponent(send[1] as string) });
        res.writeHead(202, { 'request-id': `req-${state.received.length}` });
        return res.end();
      }
      const sent = /^\/v1\.0\/users\/([^/]+)\/mailFolders\/SentItems\/messages$/.exec(url.pathname);
      if (req.method === 'GET' && sent) {
        const wanted = /internetMessageId eq '(.+)'/.exec(url.searchParams.get('$filter') ?? '')?.[1];
        const hits = state.received.filter((m) => m.sender === decodeURIComponent(sent[1] as string) && m.parsed.messageId === wanted);
        return json(200, { value: hits.map((m) => ({ id: m.id })) });
      }
      json(404, { error: { code: 'NotFound', message: `${req.method} ${url.pathname}` } });
    })();
  });
  const url = await listen(server);
  const forward = async (target: string, method: 'GET' | 'POST', options?: { headers?: Record<string, string>; body?: string }) => {
    const res = await fetch(target.replace(MS_LOGIN_HOST, url), { method, ...(options?.headers ? { headers: options.headers } : {}), ...(options?.body ? { body: options.body } : {}) });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    return { headers, body: (await res.json()) as never, status: res.status };
  };
  const networkClient: INetworkModule = {
    sendGetRequestAsync: (target, options) => forward(target, 'GET', options),
    sendPostRequestAsync: (target, options) => forward(target, 'POST', options),
  };
  return Object.assign(state, { url, graphUrl: `${url}/v1.0`, networkClient, close: () => new Promise<void>((r) => server.close(() => r())) });
}
