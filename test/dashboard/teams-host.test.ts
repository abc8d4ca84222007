import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { screenshot } from '../sign/page-helpers.js';
import { startEntraStandIn, type EntraStandIn } from './entra-stand-in.js';
import { installFakeTeams, LANTERN_PUBLIC_URL } from './fake-teams-host.js';
import { CLIENT_ID, TENANT, writeTrustConfig } from './setup.js';

let lantern: TestLantern;
let entra: EntraStandIn;
let browser: Browser;

interface HostLogEntry {
  func: string;
  from: 'tab' | 'auth-window';
  origin: string;
  args: unknown[];
}

beforeAll(async () => {
  entra = await startEntraStandIn({ ruth: { upn: 'r.okafor@northgate.example', name: 'Ruth Okafor' } }, TENANT, CLIENT_ID);
  // The trust's two schools, with the https public address the Teams app package points the tab at.
  const file = writeTrustConfig(entra.authorityHost);
  const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...config, server: { publicUrl: LANTERN_PUBLIC_URL } }));
  lantern = await startTestLantern({ LANTERN_CONFIG: file, LANTERN_MS_CLIENT_SECRET: entra.clientSecret });
  entra.start(`${LANTERN_PUBLIC_URL}/dashboard/oidc/callback`);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await lantern?.close();
  await entra?.close();
});

describe('DSL cases tab in a Teams client (stand-in host speaking the teams-js protocol)', () => {
  it('finds the school, signs in through teams-js authentication.authenticate, and the session lands in the tab', { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const hostUrl = await installFakeTeams(context, { lanternUrl: lantern.url, entraUrl: entra.authorityHost, user: { loginHint: 'r.okafor@northgate.example', tenantId: TENANT } });
    const page = await context.newPage();
    await page.goto(hostUrl);
    const tab = page.frameLocator('#tab');
    // The tab's address is the trust-wide /dashboard: Teams' loginHint domain picks Northgate.
    await tab.getByRole('heading', { name: 'Sign in to the DSL dashboard' }).waitFor();
    expect(await tab.locator('header').innerText()).toContain('Northgate Primary');

    const [popup] = await Promise.all([page.waitForEvent('popup'), tab.getByRole('link', { name: 'Sign in with Microsoft' }).click()]);
    // Teams (the host) opened this window, not the tab, and Microsoft got the Teams user's sign-in name as a hint.
    await popup.locator('input[name=login]').waitFor();
    expect(await popup.evaluate('window.name')).toBe('teams-auth');
    const hostLog = async () => (await page.evaluate('window.hostLog')) as HostLogEntry[];
    const authenticate = (await hostLog()).find((e) => e.func === 'authentication.authenticate');
    expect(authenticate?.from).toBe('tab');
    expect(authenticate?.origin).toBe(LANTERN_PUBLIC_URL);
    const startUrl = new URL(String(authenticate?.args[0]));
    expect(startUrl.pathname).toBe('/dashboard/northgate/sign-in/entra');
    expect(startUrl.searchParams.get('teams')).toBe('1');
    expect(startUrl.searchParams.get('login_hint')).toBe('r.okafor@northgate.example');
    expect(authenticate?.args.slice(1, 3)).toEqual([600, 720]);

    await popup.locator('input[name=login]').fill('ruth');
    await popup.locator('input[name=password]').fill('any');
    await Promise.all([popup.waitForEvent('close'), popup.locator('button[type=submit]').click()]);
    await tab.getByRole('heading', { name: 'Open cases' }).waitFor();
    expect(await tab.locator('header').innerText()).toContain('Signed in as Ruth Okafor');
    expect(page.url()).toBe(hostUrl);
    await screenshot(page, 'dashboard-teams-host-signed-in');

    const log = await hostLog();
    // The sign-in window finished through teams-js: initialize as an "authentication" window, then notifySuccess.
    expect(log.filter((e) => e.from === 'auth-window').map((e) => e.func)).toEqual(['initialize', 'authentication.authenticate.success']);
    expect(log.find((e) => e.func === 'authentication.authenticate.success')?.origin).toBe(LANTERN_PUBLIC_URL);
    expect(log.filter((e) => e.from === 'tab').map((e) => e.func)).toEqual(expect.arrayContaining(['initialize', 'getContext', 'authentication.authenticate']));
    expect(await lantern.models.dashboardSessions.countDocuments({ email: 'r.okafor@northgate.example', via: 'entra' })).toBe(1);

    // Over https the session cookie is Secure and SameSite=None (so a framed tab can keep it).
    const cookie = (await context.cookies(`${LANTERN_PUBLIC_URL}/dashboard`)).find((c) => c.name === 'lantern_dsl');
    expect(cookie).toMatchObject({ secure: true, sameSite: 'None', httpOnly: true, path: '/dashboard' });

    // Opening the tab again goes straight to the DSL's school: the landing page follows the session.
    await page.goto(hostUrl);
    await tab.getByRole('heading', { name: 'Open cases' }).waitFor();
    await context.close();
  });

  it('the school-choice page sends a Teams user to their school only when exactly one school has their domain', async () => {
    const choose = async (query: string) => {
      const res = await fetch(`${lantern.url}/dashboard${query}`, { redirect: 'manual' });
      return { status: res.status, location: res.headers.get('location') };
    };
    expect(await choose('?domain=northgate.example')).toEqual({ status: 303, location: '/dashboard/northgate' });
    expect(await choose('?domain=pupils.northgate.example')).toEqual({ status: 303, location: '/dashboard/northgate' });
    expect(await choose('?domain=southfield.example')).toEqual({ status: 303, location: '/dashboard/southfield' });
    expect((await choose('?domain=elsewhere.example')).status).toBe(200);
    expect((await choose('?domain=%3Cscript%3E')).status).toBe(200);
    expect((await choose('?domain=a&domain=b')).status).toBe(200);
    const page = await (await fetch(`${lantern.url}/dashboard`)).text();
    expect(page).toContain('Choose your school');
  });

  it('serves teams-js from Lantern under the dashboard CSP, loaded before the dashboard script on the sign-in page', async () => {
    const res = await fetch(`${lantern.url}/dashboard/assets/teams-js.min.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const require = createRequire(import.meta.url);
    const bundled = readFileSync(require.resolve('@microsoft/teams-js'), 'utf8');
    const served = await res.text();
    expect(served).toContain('microsoftTeams');
    expect(served.trim()).toBe(bundled.replace(/\/\/# sourceMappingURL=\S+\s*$/, '').trim());

    const signIn = await (await fetch(`${lantern.url}/dashboard/northgate`)).text();
    const scripts = [...signIn.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    expect(scripts).toEqual([' src="/dashboard/assets/teams-js.min.js" defer', ' src="/dashboard/assets/dashboard.js" defer']);
  });

  it('passes on only a login hint shaped like a sign-in name', async () => {
    const start = async (hint: string) => {
      const res = await fetch(`${lantern.url}/dashboard/northgate/sign-in/entra?teams=1&login_hint=${encodeURIComponent(hint)}`, { redirect: 'manual' });
      expect(res.status).toBe(303);
      return new URL(res.headers.get('location') ?? '').searchParams.get('login_hint');
    };
    expect(await start('r.okafor@northgate.example')).toBe('r.okafor@northgate.example');
    expect(await start('"><script>@x')).toBeNull();
    expect(await start('x'.repeat(300) + '@northgate.example')).toBeNull();
  });
});
