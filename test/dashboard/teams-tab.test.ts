import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { screenshot } from '../sign/page-helpers.js';
import { startEntraStandIn, type EntraStandIn } from './entra-stand-in.js';
import { CLIENT_ID, TENANT, writeTrustConfig } from './setup.js';

let lantern: TestLantern;
let entra: EntraStandIn;
let browser: Browser;
let host: http.Server;
let hostUrl = '';

beforeAll(async () => {
  entra = await startEntraStandIn({ ruth: { upn: 'r.okafor@northgate.example', name: 'Ruth Okafor' } }, TENANT, CLIENT_ID);
  lantern = await startTestLantern({ LANTERN_CONFIG: writeTrustConfig(entra.authorityHost), LANTERN_MS_CLIENT_SECRET: entra.clientSecret });
  entra.start(`${lantern.url}/dashboard/oidc/callback`);
  // Stands in for the Teams client: a page on another origin that shows the dashboard in a frame, as a tab does.
  host = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><title>Teams</title><iframe id="tab" title="DSL dashboard" src="${lantern.url}/dashboard/northgate" style="width:1200px;height:700px"></iframe>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/`;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (host ? host.close(() => resolve()) : resolve()));
  await lantern?.close();
  await entra?.close();
});

describe('DSL dashboard as a Teams tab', () => {
  it('signs in through a pop-up (Microsoft sign-in cannot be framed) and hands the session to the tab', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // The CSP admits only Teams hosts as frame ancestors (checked in dashboard.test.ts); the stand-in host is not
    // one, so for the framed page only its frame-ancestors rule is lifted. Everything else is as served.
    await context.route(`${lantern.url}/dashboard/northgate`, async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers(), 'content-security-policy': (response.headers()['content-security-policy'] ?? '').replace(/frame-ancestors[^;]*;?/, '') };
      await route.fulfill({ response, headers });
    });
    const page = await context.newPage();
    await page.goto(hostUrl);
    const tab = page.frameLocator('#tab');
    await tab.getByRole('heading', { name: 'Sign in to the DSL dashboard' }).waitFor();
    const [popup] = await Promise.all([page.waitForEvent('popup'), tab.getByRole('link', { name: 'Sign in with Microsoft' }).click()]);
    await popup.locator('input[name=login]').waitFor();
    // No Teams host answered teams-js's initialize, so after its short wait the tab opened its own pop-up.
    expect(await popup.evaluate('window.name')).toBe('lantern-sign-in');
    await popup.locator('input[name=login]').fill('ruth');
    await popup.locator('input[name=password]').fill('any');
    await Promise.all([popup.waitForEvent('close'), popup.locator('button[type=submit]').click()]);
    await tab.getByRole('heading', { name: 'Open cases' }).waitFor();
    expect(page.url()).toBe(hostUrl);
    await screenshot(page, 'dashboard-teams-tab');
    expect(await lantern.models.dashboardSessions.countDocuments({ email: 'r.okafor@northgate.example' })).toBe(1);
    await context.close();
  });

  it('refuses to hand over a made-up session', async () => {
    const res = await fetch(`${lantern.url}/dashboard/northgate/session/adopt`, { method: 'POST', body: new URLSearchParams({ token: 'A'.repeat(43) }) });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});
