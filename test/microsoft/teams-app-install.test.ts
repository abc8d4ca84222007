import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLanternError, ErrorCode } from '../../src/errors.js';
import { findCatalogApp, installForUsers, type GraphAccess } from '../../src/microsoft/teams-app-install.js';

/** A local Graph stand-in: the app catalogue and per-user installs, answering as Graph documents. */
let server: Server;
let access: GraphAccess;
const requests: { method: string; url: string; body: string; auth: string | undefined }[] = [];
const throttledOnce = new Set<string>();

async function bodyOf(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await bodyOf(req);
    requests.push({ method: req.method ?? '', url: req.url ?? '', body, auth: req.headers.authorization });
    const url = new URL(req.url ?? '/', 'http://graph');
    if (url.pathname === '/v1.0/appCatalogs/teamsApps') {
      const known = url.searchParams.get('$filter') === "externalId eq 'bot-app-id'";
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ value: known ? [{ id: 'catalog-1', externalId: 'bot-app-id', displayName: 'Lantern' }] : [] }));
    }
    const install = /^\/v1\.0\/users\/([^/]+)\/teamwork\/installedApps$/.exec(url.pathname);
    if (install && req.method === 'POST') {
      const user = decodeURIComponent(install[1] as string);
      if (user === 'has-app') return res.writeHead(409).end(JSON.stringify({ error: { code: 'Conflict' } }));
      if (user === 'no-licence') return res.writeHead(404).end(JSON.stringify({ error: { code: 'NotFound', message: 'User not found' } }));
      if (user === 'busy' && !throttledOnce.has(user)) {
        throttledOnce.add(user);
        return res.writeHead(429, { 'retry-after': '3' }).end();
      }
      return res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `install-${user}` }));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  access = { token: async () => 'test-token', graphUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1.0` };
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('installing the Teams app for people Lantern cannot message', () => {
  it("finds the app in the tenant's catalogue by the bot's app id, or says to upload it", async () => {
    expect(await findCatalogApp(access, 'bot-app-id')).toBe('catalog-1');
    const err = await findCatalogApp(access, "someone-else's").catch((e: unknown) => e);
    expect(isLanternError(err, ErrorCode.TeamsAppNotInCatalog)).toBe(true);
    expect((err as Error).message).toContain('lantern teams package');
  });

  it('installs one person at a time, waits as a 429 asks, counts 409 as already installed and keeps going past a failure', async () => {
    requests.length = 0;
    const waits: number[] = [];
    const progress: number[] = [];
    const report = await installForUsers(
      access,
      'catalog-1',
      [
        { personId: 'p1', aadObjectId: 'new-user' },
        { personId: 'p2', aadObjectId: 'has-app' },
        { personId: 'p3', aadObjectId: 'no-licence' },
        { personId: 'p4', aadObjectId: 'busy' },
      ],
      { sleep: async (ms) => void waits.push(ms), onProgress: (done) => progress.push(done) },
    );
    expect(report).toMatchObject({ catalogAppId: 'catalog-1', installed: ['p1', 'p4'], alreadyInstalled: ['p2'] });
    expect(report.failed).toEqual([{ personId: 'p3', status: 404, message: expect.stringContaining('HTTP 404') }]);
    expect(waits).toEqual([3_000]);
    expect(progress).toEqual([1, 2, 3, 4]);
    const posts = requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(5);
    expect(JSON.parse(posts[0]?.body ?? '{}')).toEqual({ 'teamsApp@odata.bind': `${access.graphUrl}/appCatalogs/teamsApps/catalog-1` });
    expect(posts.every((r) => r.auth === 'Bearer test-token')).toBe(true);
  });
});
