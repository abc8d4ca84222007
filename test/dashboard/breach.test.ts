import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, entraSignIn, startDashboardTest, type DashboardTest } from './setup.js';

let t: DashboardTest;

beforeAll(async () => {
  t = await startDashboardTest({ olderCases: 0 });
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('DSL dashboard: possible personal-data breach', () => {
  it('starts the 72-hour clock from the case page, then records the decision, both on the timeline', { timeout: 60_000 }, async () => {
    const context = await t.browser.newContext({ viewport: DESKTOP, bypassCSP: true });
    const { page } = await entraSignIn(context, t.lantern.url, 'ruth');
    const number = t.ids.main.number;
    await page.goto(`${t.lantern.url}/dashboard/northgate/cases/${number}`);
    expect(await page.locator('#breach').locator('xpath=following-sibling::p[1]').innerText()).toContain('Not marked');
    expect(await page.locator('#breach-decision-form').count()).toBe(0);
    await page.locator('#breach-reason').fill('Class list emailed to a personal address');
    await page.getByRole('button', { name: 'Possible personal-data breach' }).click();
    await page.waitForURL(/breach=flagged/);
    expect(await page.getByRole('status').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('The 72-hour clock has started')]));
    expect(await page.locator('.timeline li').last().innerText()).toContain('marked it a possible personal-data breach');
    expect(await page.locator('.timeline .note').last().innerText()).toBe('Class list emailed to a personal address');
    expect(await page.locator('#breach-form').count()).toBe(0);

    // A refused decision keeps the form and says why.
    await page.getByLabel('Reported to the ICO').check();
    await page.locator('#breach-ico-ref').fill('ICO-0042');
    await page.getByRole('button', { name: 'Record decision' }).click();
    expect(await page.locator('.error').innerText()).toContain('Give the date it was reported');

    await page.getByLabel('Reported to the ICO').check();
    await page.locator('#breach-ico-ref').fill('ICO-0042');
    await page.locator('#breach-date').fill('2026-01-05');
    await page.getByRole('button', { name: 'Record decision' }).click();
    await page.waitForURL(/breach=decided/);
    expect(await page.locator('dt', { hasText: 'Decision' }).locator('xpath=following-sibling::dd[1]').innerText()).toBe('Reported to the ICO on 2026-01-05 (reference ICO-0042)');
    expect(await page.locator('#breach-decision-form').count()).toBe(0);
    const entries = await t.lantern.models.caseTimeline.find({ caseId: t.ids.main.caseId, action: { $in: ['breach-flagged', 'breach-decided'] } }).lean();
    expect(entries.map((e) => [e.action, e.by.email])).toEqual([['breach-flagged', 'r.okafor@northgate.example'], ['breach-decided', 'r.okafor@northgate.example']]);
    await context.close();
  });
});
