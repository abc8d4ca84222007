import os from 'node:os';
import type { Request } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type LanternConfig } from '../../src/config/load.js';
import { demoSignInAllowed } from '../../src/dashboard/demo.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';

let lantern: TestLantern;

beforeAll(async () => {
  lantern = await startTestLantern();
}, 120_000);

afterAll(async () => {
  await lantern?.close();
});

/** Cookies a response set, as a Cookie header (name=value pairs only). */
function cookiesOf(res: Response, jar: Map<string, string>): string {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (pair && eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

async function demoSignIn(email: string, jar = new Map<string, string>(), csrfOverride?: string) {
  const page = await fetch(`${lantern.url}/dashboard/northgate`);
  const cookie = cookiesOf(page, jar);
  const html = await page.text();
  expect(html).toContain('Demo sign-in');
  const csrf = csrfOverride ?? /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const res = await fetch(`${lantern.url}/dashboard/northgate/demo-sign-in`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email }),
    redirect: 'manual',
  });
  return { res, cookie: cookiesOf(res, jar) };
}

describe('dashboard demo sign-in (npm start on loopback)', () => {
  it('signs the demo DSL in, with three example cases to look at', async () => {
    const { res, cookie } = await demoSignIn('r.okafor@northgate.example');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard/northgate');
    const list = await fetch(`${lantern.url}/dashboard/northgate`, { headers: { cookie } });
    const html = await list.text();
    expect(html).toContain('<h1>Open cases</h1>');
    expect(html).toContain('Signed in as Ruth Okafor');
    expect(html.match(/<tr>/g)?.length).toBe(4);
    expect(await lantern.models.dashboardSessions.countDocuments({ via: 'demo', email: 'r.okafor@northgate.example' })).toBe(1);
  });

  it('refuses the demo teacher, logs it, and refuses a post without the CSRF token', async () => {
    const { res } = await demoSignIn('a.wilber@northgate.example');
    expect(res.status).toBe(403);
    expect(await lantern.models.caseAccessLog.countDocuments({ who: 'a.wilber@northgate.example', kind: 'refused' })).toBe(1);
    const forged = await demoSignIn('r.okafor@northgate.example', new Map(), 'forged');
    expect(forged.res.status).toBe(403);
  });

  it('is off unless demo mode, no credentials, a loopback listener and a loopback caller all hold', () => {
    const demo = loadConfig({ env: {}, cwd: os.tmpdir() });
    const req = (remoteAddress: string) => ({ socket: { remoteAddress } }) as unknown as Request;
    expect(demoSignInAllowed(demo, req('127.0.0.1'))).toBe(true);
    expect(demoSignInAllowed(demo, req('::ffff:127.0.0.1'))).toBe(true);
    expect(demoSignInAllowed(demo, req('192.168.1.20'))).toBe(false);
    const variants: Partial<LanternConfig>[] = [{ mode: 'configured' }, { server: { host: '0.0.0.0', port: 3978 } }, { bot: { appId: 'a', appSecret: 'b' } }];
    for (const v of variants) expect(demoSignInAllowed({ ...demo, ...v }, req('127.0.0.1'))).toBe(false);
  });
});
