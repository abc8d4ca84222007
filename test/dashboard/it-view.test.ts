import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrJoinItMatter } from '../../src/cases/it-matters.js';
import { RUTH } from '../cases/fixtures.js';
import { screenshot, seriousA11yViolations } from '../sign/page-helpers.js';
import { DESKTOP, entraSignIn, startDashboardTest, type DashboardTest } from './setup.js';

const SAM = 's.whitfield@northgate.example';
let t: DashboardTest;
let grant: { matterId: string; number: string };
let mfa: { matterId: string; number: string };

function itInput(family: string, summary: string, key: string) {
  return {
    family, severity: 'high' as const, category: 'security' as const, summary, keys: [key],
    detection: { detectionId: `det-${key}`, ruleId: `${family}.microsoft`, family, at: new Date('2026-03-03T10:00:00Z') },
  };
}

beforeAll(async () => {
  t = await startDashboardTest({ olderCases: 0 });
  const since = new Date('2026-03-01T00:00:00Z');
  grant = await openOrJoinItMatter(t.lantern.models, t.northgate, itInput('account.privilege_grant', 'An administrator gave a member of staff the Entra role "Helpdesk Administrator".', 'role-1'), new Date('2026-03-03T10:00:00Z'), since);
  mfa = await openOrJoinItMatter(t.lantern.models, t.northgate, itInput('account.mfa_disabled', 'Multi-factor sign-in was turned off for a member of staff.', 'mfa-1'), new Date('2026-03-03T11:00:00Z'), since);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('IT view on the dashboard', () => {
  it('the IT manager signs in to the IT matters only, closes one with a reason and sends one to the DSL; all logged', { timeout: 90_000 }, async () => {
    const context = await t.browser.newContext({ viewport: DESKTOP, bypassCSP: true });
    const { page, status } = await entraSignIn(context, t.lantern.url, 'sam');
    expect(status).toBe(200);
    expect(page.url()).toBe(`${t.lantern.url}/dashboard/northgate/it`);
    expect(await page.locator('h1').innerText()).toBe('IT matters');
    expect(await page.locator('table.cases tbody tr td:first-child').allInnerTexts()).toEqual([mfa.number, grant.number]);
    expect(await page.locator('header').innerText()).toContain('IT dashboard');
    await screenshot(page, 'dashboard-it-list');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // No DSL case, neither in a list nor by its number.
    await page.goto(`${t.lantern.url}/dashboard/northgate`);
    expect(page.url()).toBe(`${t.lantern.url}/dashboard/northgate/it`);
    const refused = await page.goto(`${t.lantern.url}/dashboard/northgate/cases/${t.ids.main.number}`);
    expect(refused?.status()).toBe(403);
    expect(await page.locator('body').innerText()).not.toContain('unknown adult');
    expect((await t.accessLog({ who: SAM, kind: 'refused' })).map((e) => e.what)).toContain('dashboard: DSL cases, IT team only');

    // Close with a reason: who, when and why are kept.
    await page.goto(`${t.lantern.url}/dashboard/northgate/it/${grant.number}`);
    expect(await page.locator('h1').innerText()).toBe(`IT matter ${grant.number}`);
    await screenshot(page, 'dashboard-it-matter');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByLabel('Why are you closing it?').fill('Expected: new member of the helpdesk.');
    await page.getByRole('button', { name: 'Close this IT matter' }).click();
    await page.getByText('This IT matter is closed.').waitFor();
    expect(await page.locator('dl.facts').innerText()).toContain('Closed by Sam Whitfield');
    const closed = await t.lantern.models.itMatters.findOne({ matterId: grant.matterId }).lean();
    expect(closed).toMatchObject({ status: 'closed', closed: { by: { email: SAM, name: 'Sam Whitfield' }, reason: 'Expected: new member of the helpdesk.' } });

    // Send the other one to the DSL: a linked case, its number shown, nothing more.
    await page.goto(`${t.lantern.url}/dashboard/northgate/it/${mfa.number}`);
    await page.getByRole('button', { name: 'This involves a child — send to the DSL' }).click();
    const sent = await t.lantern.models.cases.findOne({ schoolId: 'northgate', itMatter: mfa.number }).lean();
    expect(sent?.number).toMatch(/^NGP-/);
    await page.getByText(`Sent to the DSL as ${sent?.number}.`).waitFor();
    expect(await page.getByRole('button', { name: /send to the DSL/ }).count()).toBe(0);

    const log = (await t.accessLog({ who: SAM })).map((e) => `${e.kind} ${e.what}`);
    expect(log).toEqual(expect.arrayContaining([
      'view dashboard: IT matters list (2)', `view dashboard: IT matter ${grant.number}`, `act dashboard: close ${grant.number}`, `act dashboard: send ${mfa.number} to the DSL`,
    ]));
    await context.close();
  });

  it('refuses the DSL the IT view (IT matters reach them only as cases) and logs it', { timeout: 60_000 }, async () => {
    const context = await t.browser.newContext({ viewport: DESKTOP, bypassCSP: true });
    const { page } = await entraSignIn(context, t.lantern.url, 'ruth');
    expect(await page.locator('h1').innerText()).toBe('Open cases');
    const listed = await page.locator('table.cases tbody').innerText();
    expect(listed).not.toContain(grant.number);
    const res = await page.goto(`${t.lantern.url}/dashboard/northgate/it/${grant.number}`);
    expect(res?.status()).toBe(403);
    expect(await page.locator('h1').innerText()).toBe('The IT view is for the IT team only');
    expect(await page.locator('body').innerText()).not.toContain('Helpdesk Administrator');
    expect((await t.accessLog({ who: RUTH.email, kind: 'refused' })).map((e) => e.what)).toContain('dashboard: IT view, not on the IT team');
    // Still signed in to the DSL view.
    await page.goto(`${t.lantern.url}/dashboard/northgate`);
    expect(await page.locator('h1').innerText()).toBe('Open cases');
    await context.close();
  });

  it('refuses a forged close without the session’s form token', async () => {
    const res = await fetch(`${t.lantern.url}/dashboard/northgate/it/${mfa.number}/close`, { method: 'POST', body: new URLSearchParams({ reason: 'x' }), redirect: 'manual' });
    expect(res.status).toBe(401);
    expect((await t.lantern.models.itMatters.findOne({ matterId: mfa.matterId }).lean())?.status).toBe('sent-to-dsl');
  });
});
