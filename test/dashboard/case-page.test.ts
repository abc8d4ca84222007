import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCases } from '../../src/cases/verify.js';
import { RUTH } from '../cases/fixtures.js';
import { screenshot } from '../sign/page-helpers.js';
import { DESKTOP, entraSignIn, SCRIPT_NOTE, startDashboardTest, type DashboardTest } from './setup.js';

let t: DashboardTest;

beforeAll(async () => {
  t = await startDashboardTest({ olderCases: 0 });
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('DSL dashboard: case pages', () => {
  it('a "do not view" case shows the warning, and no item link, id or summary in the list', { timeout: 60_000 }, async () => {
    const context = await t.browser.newContext({ viewport: DESKTOP, bypassCSP: true });
    const { page } = await entraSignIn(context, t.lantern.url, 'ruth');
    const row = page.locator('table.cases tbody tr', { hasText: t.ids.dnv?.number ?? '' });
    expect(await row.innerText()).toContain('Do not view');
    expect(await row.innerText()).not.toContain('indecent');
    await page.goto(`${t.lantern.url}/dashboard/northgate/cases/${t.ids.dnv?.number}`);
    expect(await page.getByRole('alert').innerText()).toContain('Do not open or view the item');
    const html = await page.content();
    expect(html).not.toContain('DRIVE-FILE-ID-0042');
    expect(html).not.toContain('ava@pupils');
    const hrefs = (await page.evaluate(`[...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href'))`)) as string[];
    expect(hrefs.every((h) => h.startsWith('/dashboard/') || h === '#main')).toBe(true);
    expect(await page.locator('img, iframe, object, embed').count()).toBe(0);
    // "Where" says where in general terms only; a note a DSL types with a link and a file name is stored without them.
    const where = await page.locator('dt', { hasText: 'Where' }).locator('xpath=following-sibling::dd[1]').innerText();
    expect(where).toBe('Snapchat, [link removed: do not view] [file name removed: do not view]');
    await page.locator('#note-text').fill('Police have it; the copy was at https://bit.ly/3xYz as IMG_5555.HEIC (Drive 1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms).');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.waitForURL(/noted=1/);
    expect(await page.locator('.timeline .note').last().innerText()).toBe('Police have it; the copy was at [link removed: do not view] as [file name removed: do not view] (Drive [item id removed: do not view]).');
    const shown = await page.content();
    const stored = JSON.stringify([await t.lantern.models.cases.findOne({ caseId: t.ids.dnv?.caseId }).lean(), await t.lantern.models.caseTimeline.find({ caseId: t.ids.dnv?.caseId }).lean()]);
    for (const leak of ['snapchat.com', 'kid99', 'IMG_2231', 'bit.ly', 'IMG_5555', '1BxiMVs0XRA5']) {
      expect(shown).not.toContain(leak);
      expect(stored).not.toContain(leak);
    }
    await screenshot(page, 'dashboard-do-not-view');
    await context.close();
  });

  it('shows script in a note as text, and adds a note through the case timeline', { timeout: 60_000 }, async () => {
    const context = await t.browser.newContext({ viewport: DESKTOP, bypassCSP: true });
    const { page } = await entraSignIn(context, t.lantern.url, 'ruth');
    await page.goto(`${t.lantern.url}/dashboard/northgate/cases/${t.ids.main?.number}`);
    expect(await page.locator('.timeline .note').first().innerText()).toBe(SCRIPT_NOTE);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();

    const seq = await t.lantern.models.caseTimeline.countDocuments({ caseId: t.ids.main?.caseId });
    await page.locator('#note-text').fill('Spoke to the pupil with <b>mum</b> present.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.waitForURL(/noted=1/);
    expect(await page.getByRole('status').first().innerText()).toContain('Your note was added');
    expect(await page.locator('.timeline .note').last().innerText()).toBe('Spoke to the pupil with <b>mum</b> present.');
    const entries = await t.lantern.models.caseTimeline.find({ caseId: t.ids.main?.caseId }).sort({ seq: 1 }).lean();
    expect(entries).toHaveLength(seq + 1);
    expect(entries.at(-1)?.by).toEqual({ email: RUTH.email, name: 'Ruth Okafor' });
    expect((await verifyCases(t.lantern.models, 'northgate')).issues).toEqual([]);
    expect((await t.accessLog({ caseId: t.ids.main?.caseId, kind: 'act', what: 'dashboard: add note' })).length).toBe(1);

    // A post without the session's CSRF token changes nothing.
    await page.evaluate(`document.querySelector('#note-form input[name=_csrf]').value = 'forged'`);
    await page.locator('#note-text').fill('forged note');
    const [forged] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add note' }).click()]);
    expect(forged?.status()).toBe(403);
    // An oversized note is refused with the reason, and the draft is kept.
    await page.goto(`${t.lantern.url}/dashboard/northgate/cases/${t.ids.main?.number}`);
    await page.evaluate(`document.querySelector('#note-text').removeAttribute('maxlength')`);
    await page.locator('#note-text').fill('x'.repeat(4100));
    const [long] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add note' }).click()]);
    expect(long?.status()).toBe(400);
    expect(await page.locator('.error').innerText()).toContain('please keep it under 4000');
    expect(await t.lantern.models.caseTimeline.countDocuments({ caseId: t.ids.main?.caseId })).toBe(seq + 1);
    await context.close();
  });

  it('answers 404 for a case of another school, by number or id, and logs the attempt', { timeout: 60_000 }, async () => {
    const context = await t.browser.newContext({ viewport: DESKTOP, bypassCSP: true });
    const { page } = await entraSignIn(context, t.lantern.url, 'ruth');
    for (const ref of [t.ids.other?.number, t.ids.other?.caseId]) {
      const res = await page.goto(`${t.lantern.url}/dashboard/northgate/cases/${ref}`);
      expect(res?.status()).toBe(404);
      expect(await page.content()).not.toContain('Southfield only');
    }
    expect((await t.accessLog({ who: RUTH.email, kind: 'refused', what: 'dashboard: no such case at this school' })).length).toBe(2);
    // Northgate's session is no key to Southfield's dashboard.
    await page.goto(`${t.lantern.url}/dashboard/southfield/cases/${t.ids.other?.number}`);
    expect(await page.locator('h1').innerText()).toBe('Sign in to the DSL dashboard');
    await context.close();
  });

});
