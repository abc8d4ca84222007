import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALEX, RUTH } from '../cases/fixtures.js';
import { screenshot, seriousA11yViolations } from '../sign/page-helpers.js';
import { DESKTOP, entraSignIn, startDashboardTest, type DashboardTest } from './setup.js';

let t: DashboardTest;
const PHONE = { width: 390, height: 844 } as const;

beforeAll(async () => {
  // 26 older cases so the list has a second page.
  t = await startDashboardTest({ olderCases: 26 });
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('DSL dashboard', () => {
  it('the DSL signs in with Microsoft, sees the open cases and one case, and every view is logged', { timeout: 90_000 }, async () => {
    const context = await t.browser.newContext({ viewport: DESKTOP, bypassCSP: true });
    const { page, status } = await entraSignIn(context, t.lantern.url, 'ruth');
    expect(status).toBe(200);
    expect(await page.locator('h1').innerText()).toBe('Open cases');
    const numbers = await page.locator('table.cases tbody tr td:first-child').allInnerTexts();
    expect(numbers).toHaveLength(25);
    // Newest first: the main case, then the do-not-view one; the closed case is not listed.
    expect(numbers[0]).toBe(t.ids.main?.number);
    expect(numbers[1]).toBe(t.ids.dnv?.number);
    expect(numbers).not.toContain(t.ids.closed?.number);
    await screenshot(page, 'dashboard-list-desktop');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The session cookie: HttpOnly, SameSite, scoped to the dashboard.
    const cookie = (await context.cookies()).find((c) => c.name === 'lantern_dsl');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    expect(cookie?.path).toBe('/dashboard');
    expect(await t.lantern.models.dashboardSessions.countDocuments({ email: RUTH.email, schoolId: 'northgate', via: 'entra' })).toBe(1);

    // Paging and a filter.
    await page.getByRole('link', { name: 'Older cases' }).click();
    expect(await page.locator('table.cases tbody tr').count()).toBe(3);
    await page.goto(`${t.lantern.url}/dashboard/northgate`);
    await page.locator('#f-severity').selectOption('critical');
    await page.getByRole('button', { name: 'Show' }).click();
    expect(await page.locator('table.cases tbody tr td:first-child').allInnerTexts()).toEqual([t.ids.dnv?.number]);

    const before = (await t.accessLog({ caseId: t.ids.main?.caseId, kind: 'view', who: RUTH.email })).length;
    await page.goto(`${t.lantern.url}/dashboard/northgate/cases/${t.ids.main?.number}`);
    expect(await page.locator('h1').innerText()).toBe(`Case ${t.ids.main?.number}`);
    const facts = await page.locator('dl.facts').first().innerText();
    expect(facts).toMatch(/Who is involved\s+\S+ \S+ \(Kestrels\)/);
    expect(facts).toContain('Ruth Okafor');
    const timeline = await page.locator('ol.timeline').innerText();
    expect(timeline).toContain('Alex Wilber opened the case');
    expect(timeline).toContain('Ruth Okafor acknowledged the case');
    expect(timeline).toContain('Status: New — not yet acknowledged → Acknowledged');
    expect(await page.getByText('CEOP, CEOP-77').count()).toBe(1);
    expect(await page.getByText('Keep until').count()).toBe(1);
    await screenshot(page, 'dashboard-case-desktop');
    expect(await seriousA11yViolations(page)).toEqual([]);
    const after = await t.accessLog({ caseId: t.ids.main?.caseId, kind: 'view', who: RUTH.email });
    expect(after.length).toBe(before + 1);
    expect(after.some((e) => e.what === 'dashboard: case page')).toBe(true);

    // Readable on a phone: no sideways scrolling.
    await page.setViewportSize(PHONE);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, 'dashboard-case-phone');
    await page.goto(`${t.lantern.url}/dashboard/northgate`);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, 'dashboard-list-phone');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Signing out ends the session in the database, not just the cookie.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'You have signed out' }).waitFor();
    expect(await t.lantern.models.dashboardSessions.countDocuments({ email: RUTH.email })).toBe(0);
    await page.goto(`${t.lantern.url}/dashboard/northgate/cases/${t.ids.main.number}`);
    expect(await page.locator('h1').innerText()).toBe('Sign in to the DSL dashboard');
    await context.close();
  });

  it('refuses a member of staff who is not on the DSL team, and logs the attempt', { timeout: 60_000 }, async () => {
    const context = await t.browser.newContext({ viewport: DESKTOP, bypassCSP: true });
    const { page, status } = await entraSignIn(context, t.lantern.url, 'alex');
    expect(status).toBe(403);
    expect(await page.locator('h1').innerText()).toBe('This dashboard is for the DSL team only');
    await screenshot(page, 'dashboard-refused');
    expect(await seriousA11yViolations(page)).toEqual([]);
    const refused = await t.accessLog({ who: ALEX.email, kind: 'refused' });
    expect(refused.map((e) => e.what)).toContain('dashboard sign-in (entra): not on the DSL team');
    expect(await t.lantern.models.dashboardSessions.countDocuments({ email: ALEX.email })).toBe(0);
    // Still not signed in: the list is the sign-in page.
    await page.goto(`${t.lantern.url}/dashboard/northgate`);
    expect(await page.locator('h1').innerText()).toBe('Sign in to the DSL dashboard');
    await context.close();
  });

  it('refuses a token from another tenant even with the DSL’s sign-in name', { timeout: 60_000 }, async () => {
    const context = await t.browser.newContext({ viewport: DESKTOP, bypassCSP: true });
    const { status } = await entraSignIn(context, t.lantern.url, 'impostor');
    expect(status).toBe(403);
    expect((await t.accessLog({ kind: 'refused', what: 'dashboard sign-in: signed in with an account of another Microsoft tenant' })).length).toBe(1);
    await context.close();
  });

  it('lets Teams frame the dashboard only, and offers no demo sign-in in a configured Lantern', async () => {
    const res = await fetch(`${t.lantern.url}/dashboard/northgate`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com");
    expect(csp).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(await res.text()).not.toContain('Demo sign-in');
    const demo = await fetch(`${t.lantern.url}/dashboard/northgate/demo-sign-in`, { method: 'POST', body: new URLSearchParams({ email: RUTH.email }) });
    expect(demo.status).toBe(404);
    // Other pages still refuse framing.
    const health = await fetch(`${t.lantern.url}/sign/assets/sign.css`);
    expect(health.headers.get('content-security-policy') ?? '').toContain("frame-ancestors 'none'");
  });
});
