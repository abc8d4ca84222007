import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCase } from '../../src/cases/open.js';
import { verifyCases } from '../../src/cases/verify.js';
import { makeCaseInput, RUTH } from '../cases/fixtures.js';
import { seriousA11yViolations } from '../sign/page-helpers.js';
import { DESKTOP, entraSignIn, startDashboardTest, type DashboardTest } from './setup.js';

let t: DashboardTest;

beforeAll(async () => {
  t = await startDashboardTest({ olderCases: 0 });
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('DSL dashboard: every card action on the case page', () => {
  it('changes severity, category and who is involved, refers, links both ways, closes and reopens, all on the timeline', { timeout: 90_000 }, async () => {
    const context = await t.browser.newContext({ viewport: DESKTOP, bypassCSP: true });
    const { page } = await entraSignIn(context, t.lantern.url, 'ruth');
    const main = t.ids.main;
    await page.goto(`${t.lantern.url}/dashboard/northgate/cases/${main.number}`);
    expect(await seriousA11yViolations(page)).toEqual([]);
    const seq = await t.lantern.models.caseTimeline.countDocuments({ caseId: main.caseId });

    // Severity and category: prefilled with the current values, a reason required by the server too.
    expect(await page.locator('#reclassify-severity').inputValue()).toBe('high');
    await page.locator('#reclassify-severity').selectOption('critical');
    await page.locator('#reclassify-category').selectOption('conduct');
    await page.evaluate(`document.querySelector('#reclassify-reason').removeAttribute('required')`);
    const [refused] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Change severity or category' }).click()]);
    expect(refused?.status()).toBe(400);
    expect(await page.locator('.error').innerText()).toContain('Please write why you are changing it.');
    await page.locator('#reclassify-severity').selectOption('critical');
    await page.locator('#reclassify-category').selectOption('conduct');
    await page.locator('#reclassify-reason').fill('The adult asked the pupil to meet.');
    await page.getByRole('button', { name: 'Change severity or category' }).click();
    await page.waitForURL(/done=reclassify/);
    expect(await page.getByRole('status').first().innerText()).toContain('The severity and category were changed.');
    const timeline = () => page.locator('.timeline').innerText();
    expect(await timeline()).toContain('Ruth Okafor changed the severity or category');
    expect(await timeline()).toContain('Severity: High → Critical');
    expect(await timeline()).toContain('The adult asked the pupil to meet.');

    // Who is involved: pupils by name, and others as text.
    await page.locator('#people-others').fill('A football coach');
    await page.locator('#people-reason').fill('The pupil named the coach.');
    await page.getByRole('button', { name: 'Change who is involved' }).click();
    await page.waitForURL(/done=people/);
    expect(await timeline()).toContain('Others involved: None → A football coach');
    expect(await page.locator('dt', { hasText: 'Who is involved' }).locator('xpath=following-sibling::dd[1]').innerText()).toContain('A football coach');

    await page.locator('#refer-agency').selectOption('police');
    await page.locator('#refer-reference').fill('PN-2026-1');
    await page.getByRole('button', { name: 'Record referral' }).click();
    await page.waitForURL(/done=refer/);
    expect(await page.locator('body').innerText()).toContain('Police, PN-2026-1');

    await page.locator('#link-otherNumber').fill(t.ids.closed.number);
    await page.getByRole('button', { name: 'Link', exact: true }).click();
    await page.waitForURL(/done=link/);
    expect((await t.lantern.models.cases.findOne({ caseId: t.ids.closed.caseId }).lean())?.linkedCases).toEqual([main.number]);

    await page.locator('#close-outcomeCategory').selectOption('police');
    await page.locator('#close-outcome').fill('Police took it on; parents informed.');
    await page.getByRole('button', { name: 'Close case' }).click();
    await page.waitForURL(/done=close/);
    expect(await page.getByRole('button', { name: 'Close case' }).count()).toBe(0);
    await page.locator('#reopen-reason').fill('A second message arrived.');
    await page.getByRole('button', { name: 'Reopen case' }).click();
    await page.waitForURL(/done=reopen/);

    const entries = await t.lantern.models.caseTimeline.find({ caseId: main.caseId }).sort({ seq: 1 }).lean();
    expect(entries.slice(seq).map((e) => e.action)).toEqual(['reclassified', 'people-changed', 'escalated', 'linked', 'closed', 'reopened']);
    expect(entries.slice(seq).every((e) => e.by.email === RUTH.email)).toBe(true);
    expect((await verifyCases(t.lantern.models, 'northgate')).issues).toEqual([]);
    expect((await t.accessLog({ caseId: main.caseId, kind: 'act', what: 'dashboard: reclassify' })).length).toBe(2);
    await context.close();
  });

  it("records actions taken, a dated referral and the outcome category, shows the child's words, and prints the chronology", { timeout: 90_000 }, async () => {
    const opened = await openCase(t.lantern.models, t.northgate, makeCaseInput({
      summary: 'A pupil said someone from a game keeps asking where she lives.', subjects: ['pupil-031'],
      childWords: 'She said "he knows my road <b>already</b>".', happenedAt: new Date('2026-03-05T00:00:00Z'), happenedTimeUnknown: true,
    }), new Date());
    const context = await t.browser.newContext({ viewport: DESKTOP, bypassCSP: true });
    const { page } = await entraSignIn(context, t.lantern.url, 'ruth');
    await page.goto(`${t.lantern.url}/dashboard/northgate/cases/${opened.number}`);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await page.getByRole('heading', { name: "In the child's words" }).count()).toBe(1);
    expect(await page.locator('blockquote').innerText()).toBe('She said "he knows my road <b>already</b>".');
    const fact = (name: string) => page.locator('dt', { hasText: name }).locator('xpath=following-sibling::dd[1]').innerText();
    expect(await fact('When it happened')).toBe('Thu, 5 Mar 2026, time not known');

    await page.locator('#action-what').fill('Spoke to her with her mother present.');
    await page.locator('#action-informed').fill('parent — mother; class teacher');
    await page.locator('#action-date').fill('2026-03-05');
    await page.locator('#action-time').fill('15:20');
    await page.getByRole('button', { name: 'Record action' }).click();
    await page.waitForURL(/done=action/);
    expect(await page.locator('table.actions-taken').innerText()).toMatch(/Thu, 5 Mar 2026, 15:20\s+Spoke to her with her mother present.\s+parent — mother; class teacher\s+Ruth Okafor/);

    await page.locator('#refer-agency').selectOption('camhs');
    await page.locator('#refer-reference').fill('CAMHS-12');
    await page.locator('#refer-madeOn').fill('2026-03-06');
    await page.getByRole('button', { name: 'Record referral' }).click();
    await page.waitForURL(/done=refer/);
    expect(await page.locator('body').innerText()).toContain('CAMHS, CAMHS-12 — made Fri, 6 Mar 2026');

    // The outcome's category is required in the browser and by the server.
    await page.locator('#close-outcome').fill('Watching closely; CAMHS involved.');
    await page.evaluate(`document.querySelector('#close-outcomeCategory').removeAttribute('required')`);
    const [refused] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Close case' }).click()]);
    expect(refused?.status()).toBe(400);
    expect(await page.locator('.error').innerText()).toContain('Choose the outcome.');
    await page.locator('#close-outcomeCategory').selectOption('monitored');
    await page.locator('#close-outcome').fill('Watching closely; CAMHS involved.');
    await page.getByRole('button', { name: 'Close case' }).click();
    await page.waitForURL(/done=close/);
    expect(await fact('Outcome')).toBe('Monitored in school — Watching closely; CAMHS involved.');

    await page.getByRole('link', { name: 'Print chronology' }).click();
    await page.waitForURL(new RegExp(`/cases/${opened.number}/chronology$`));
    expect(await seriousA11yViolations(page)).toEqual([]);
    const printed = await page.locator('main').innerText();
    expect(printed).toContain('Confidential — child protection');
    expect(printed).toContain(`Chronology of case ${opened.number}`);
    expect(printed).toContain('Northgate Primary');
    const rows = await page.locator('tbody tr').allInnerTexts();
    expect(rows[0]).toMatch(/^Thu, 5 Mar 2026\s+time not known\s+Concern: A pupil said someone from a game/);
    expect(rows[0]).toContain('In the child\'s words: "She said "he knows my road <b>already</b>"."');
    expect(rows.some((r) => /15:20\s+Action taken\s+Ruth Okafor\s+Spoke to her with her mother present. — informed: parent — mother; class teacher/.test(r))).toBe(true);
    expect(rows.some((r) => r.includes('CAMHS, reference CAMHS-12 (made Fri, 6 Mar 2026)'))).toBe(true);
    // Its own print stylesheet: the table header repeats on every printed page.
    await page.emulateMedia({ media: 'print' });
    expect(await page.evaluate(`getComputedStyle(document.querySelector('thead')).display`)).toBe('table-header-group');
    expect((await t.accessLog({ caseId: opened.caseId, kind: 'export', what: 'printable chronology (dashboard)' })).length).toBe(1);
    const entries = await t.lantern.models.caseTimeline.find({ caseId: opened.caseId }).sort({ seq: 1 }).lean();
    expect(entries.map((e) => e.action)).toEqual(['opened', 'action', 'escalated', 'closed']);
    await context.close();
  });

  it('refuses an unknown action and a forged form, changing nothing', { timeout: 60_000 }, async () => {
    const context = await t.browser.newContext({ viewport: DESKTOP, bypassCSP: true });
    const { page } = await entraSignIn(context, t.lantern.url, 'ruth');
    await page.goto(`${t.lantern.url}/dashboard/northgate/cases/${t.ids.main.number}`);
    const count = await t.lantern.models.caseTimeline.countDocuments({ caseId: t.ids.main.caseId });
    await page.evaluate(`document.querySelector('#form-assign-me input[name=_csrf]').value = 'forged'`);
    const [forged] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Assign to me' }).click()]);
    expect(forged?.status()).toBe(403);
    await page.goto(`${t.lantern.url}/dashboard/northgate/cases/${t.ids.main.number}`);
    await page.evaluate(`document.querySelector('#form-assign-me').action = document.querySelector('#form-assign-me').action.replace('assign-me', 'delete')`);
    const [unknown] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Assign to me' }).click()]);
    expect(unknown?.status()).toBe(404);
    expect(await t.lantern.models.caseTimeline.countDocuments({ caseId: t.ids.main.caseId })).toBe(count);
    await context.close();
  });

  it('lists closed cases and finds cases by pupil, member of staff or case number', { timeout: 60_000 }, async () => {
    const context = await t.browser.newContext({ viewport: DESKTOP, bypassCSP: true });
    const { page } = await entraSignIn(context, t.lantern.url, 'ruth');
    const rows = () => page.locator('table.cases tbody').innerText();
    expect(await rows()).not.toContain(t.ids.closed.number);
    await page.getByRole('link', { name: 'Closed cases' }).click();
    await page.waitForURL(/view=closed/);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Closed cases');
    expect(await rows()).toContain(t.ids.closed.number);
    expect(await rows()).not.toContain(t.ids.main.number);
    expect(await seriousA11yViolations(page)).toEqual([]);

    // By pupil: part of the name of the main case's pupil, in any case; the closed case (another pupil) is not listed.
    const pupil = await t.lantern.models.people.findOne({ schoolId: 'northgate', personId: 'pupil-031' }).lean();
    await page.getByLabel('Find a case by pupil, member of staff or case number').fill(String(pupil?.displayName).slice(1).toUpperCase());
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=/);
    expect(await rows()).toContain(t.ids.main.number);
    expect(await rows()).not.toContain(t.ids.closed.number);
    // By member of staff: Alex Wilber reported every Northgate case, open and closed; never Southfield's.
    await page.getByLabel('Find a case by pupil, member of staff or case number').fill('alex wilber');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForLoadState('load');
    for (const id of [t.ids.main, t.ids.closed]) expect(await rows()).toContain(id.number);
    expect(await rows()).not.toContain(t.ids.other.number);
    // By case number: straight to the case; another school's number finds nothing.
    await page.getByLabel('Find a case by pupil, member of staff or case number').fill(t.ids.closed.number.toLowerCase());
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(new RegExp(`/cases/${t.ids.closed.number}$`));
    await page.goto(`${t.lantern.url}/dashboard/northgate?q=${t.ids.other.number}`);
    expect(await page.locator('main').innerText()).toContain('No cases match this search.');
    expect((await t.accessLog({ caseId: t.ids.closed.caseId, kind: 'view', what: 'dashboard: closed cases list, page 1' })).length).toBe(1);
    await context.close();
  });
});
