import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { issueCampaign } from '../../src/agreements/campaigns.js';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { launchBrowser } from '../support/browser.js';
import { makeInstall, postActivity, repliedCards } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { screenshot, seriousA11yViolations } from '../sign/page-helpers.js';

let lantern: TestLantern;
let browser: Browser;
const DAY = 86_400_000;

async function get(path: string): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(`${lantern.url}${path}`);
  return { status: res.status, body: await res.text(), headers: res.headers };
}

beforeAll(async () => {
  lantern = await startTestLantern();
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await lantern?.close();
});

describe('GET /policies/…: the full text of a policy version', () => {
  it('shows title, version, effective date, owner and SHA-256, under a strict CSP', async () => {
    const v1 = await lantern.models.agreementVersions.findById('northgate:staff-aua:v1').lean();
    const page = await get('/policies/northgate/staff-aua/v1');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body).toContain('<h1>Staff acceptable use agreement</h1>');
    expect(page.body).toContain('<dt>Version</dt><dd>1 (First version)</dd>');
    expect(page.body).toContain('<dt>In force from</dt>');
    expect(page.body).toContain('Helen Carter, Headteacher');
    expect(page.body).not.toContain('h.carter@');
    expect(page.body).toContain(v1?.hash);
    expect(page.body).toContain('<h2>Accounts and passwords</h2>');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-robots-tag')).toBe('noindex');
    // The other addresses of the same version, and of the current one.
    for (const path of ['/policies/northgate:staff-aua:v1', '/policies/northgate%3Astaff-aua%3Av1', '/policies/northgate/staff-aua/1', '/policies/northgate/staff-aua']) {
      expect((await get(path)).body, path).toContain(v1?.hash);
    }
    const css = await get('/policies/assets/policy.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });

  it('escapes everything from the policy: no raw HTML reaches the page', async () => {
    const template = findTemplate(loadPolicyLibrary(), 'visitor-aua');
    await publishVersion(
      lantern.models,
      { ...template, id: 'xss-check', title: 'Rules <b>for</b> "visitors"', body: '# Rules\n\n<script>alert(1)</script>\n\n- <img src=x onerror="alert(2)">\n- [a link](javascript:alert(3))\n\n<iframe src="https://evil.example"></iframe>' },
      { schoolId: 'northgate', by: 'test' },
    );
    const { status, body } = await get('/policies/northgate/xss-check/v1');
    expect(status).toBe(200);
    expect(body).not.toMatch(/<script>alert|<img src=x|<iframe|<b>for<\/b>/);
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).toContain('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;');
    expect(body).toContain('Rules &lt;b&gt;for&lt;/b&gt; &quot;visitors&quot;');
    expect(body).not.toContain('href="javascript');
  });

  it('does not show a version that is neither in force nor issued, or one that does not exist', async () => {
    const template = findTemplate(loadPolicyLibrary(), 'volunteer-aua');
    const { version } = await publishVersion(lantern.models, { ...template, body: `${template.body}\n\nI sign in at the office.` }, {
      schoolId: 'northgate', by: 'test', change: 'material', reason: 'Signing in', effectiveDate: new Date(Date.now() + 30 * DAY),
    });
    const notYet = await get('/policies/northgate/volunteer-aua/v2');
    expect(notYet.status).toBe(404);
    expect(notYet.body).toContain('There is no published policy at this address');
    expect(notYet.body).not.toContain(version.hash);
    // The policy's own address keeps showing the version in force.
    expect((await get('/policies/northgate/volunteer-aua')).body).toContain('<dt>Version</dt><dd>1 ');
    // Once issued to people, they can read what they are asked to sign.
    await issueCampaign(lantern.models, { schoolId: 'northgate', version, dueAt: new Date(Date.now() + 40 * DAY), reminderDays: [], createdBy: 'test', reason: 'test', key: 'early' }, new Date());
    expect((await get('/policies/northgate/volunteer-aua/v2')).status).toBe(200);
    // The replaced version says so and links to the current one.
    const old = await get('/policies/northgate/volunteer-aua/v1');
    expect(old.body).toContain('It has been replaced by <a href="/policies/northgate/volunteer-aua/v2">version 2</a>');

    for (const path of ['/policies/northgate/staff-aua/v99', '/policies/northgate/no-such/v1', '/policies/otherschool/staff-aua/v1', '/policies/northgate:staff-aua', '/policies/NORTHGATE/staff-aua/v1', '/policies/northgate/staff-aua/v1x', '/policies/%2e%2e%2fpackage.json']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toContain('text/html');
    }
  });

  it('the AUA card\'s "Read the full text" opens this page', async () => {
    const res = await postActivity(lantern.url, makeInstall());
    const card = repliedCards(res.body).find((c) => JSON.stringify(c).includes('Staff acceptable use agreement'));
    const link = (card?.actions as { type: string; title: string; url?: string }[]).find((a) => a.title === 'Read the full text');
    expect(link).toMatchObject({ type: 'Action.OpenUrl', url: `${lantern.url}/policies/northgate/staff-aua/v1` });
    expect((await fetch(link?.url as string)).status).toBe(200);
  });

  it('reads on a phone (390 px, no horizontal scroll) with no serious or critical accessibility problems', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${lantern.url}/policies/northgate/staff-aua/v1`);
    expect(await page.locator('h1').innerText()).toBe('Staff acceptable use agreement');
    const widths = (await page.evaluate('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })')) as { scroll: number; client: number };
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await screenshot(page, 'policy-page-phone');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.goto(`${lantern.url}/policies/northgate/volunteer-aua/v1`);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await context.close();
  });
});
