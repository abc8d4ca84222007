import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { publishVersion } from '../../src/agreements/versions.js';
import type { AgreementVersion } from '../../src/agreements/version-model.js';
import { launchBrowser } from '../support/browser.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { startLocalOidc, type LocalOidc, type TestAccount } from './oidc-provider.js';
import { activeText, CHROMEBOOK, dropCsrfField, focusStyle, screenshot, seriousA11yViolations, tabTo } from './page-helpers.js';

let lantern: TestLantern;
let oidc: LocalOidc;
let browser: Browser;
let version: AgreementVersion;
const SCHOOL = 'northgate';
// pupil-031 is in Kestrels, Year 3: a KS2 pupil who signs for themself.
const PUPIL = 'pupil-031';

async function signIn(context: BrowserContext, login: string): Promise<{ page: Page; status: number }> {
  const page = await context.newPage();
  await page.goto(`${lantern.url}/sign/pupil/${SCHOOL}/course-kestrels?version=${encodeURIComponent(version._id)}`);
  // The local provider's own login form (its "dev interactions"): any password is accepted.
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any');
  await Promise.all([page.waitForURL(new RegExp(`^${lantern.url}/sign/`)), page.locator('button[type=submit]').click()]);
  await page.waitForLoadState('load');
  const status = (await page.evaluate(`performance.getEntriesByType('navigation')[0]?.responseStatus ?? 0`)) as number;
  return { page, status };
}

const accounts: Record<string, TestAccount> = {};

beforeAll(async () => {
  // Accounts are filled in once Lantern has loaded the demo directory; the provider reads them at sign-in.
  oidc = await startLocalOidc(accounts);
  lantern = await startTestLantern({
    LANTERN_GOOGLE_SIGNIN_ISSUER: oidc.issuer,
    LANTERN_GOOGLE_SIGNIN_CLIENT_ID: oidc.clientId,
    LANTERN_GOOGLE_SIGNIN_CLIENT_SECRET: oidc.clientSecret,
  });
  oidc.start(`${lantern.url}/sign/oidc/callback`);
  for (const [login, personId] of [['pupil', PUPIL], ['pupil2', 'pupil-032']] as const) {
    const p = await lantern.models.people.findOne({ schoolId: SCHOOL, personId }).lean();
    accounts[login] = { email: p?.email ?? '', hd: p?.email?.split('@')[1] ?? '', name: p?.displayName ?? '' };
  }
  accounts.other = { email: 'sam.jones@pupils.southfield.example', hd: 'southfield.example', name: 'Sam Jones' };
  accounts.personal = { email: 'kid@gmail.example', name: 'Kid' };
  version = (await publishVersion(lantern.models, findTemplate(loadPolicyLibrary(), 'pupil-aua-ks2'), { schoolId: SCHOOL, by: 'test' })).version;
  // The Classroom assignment the link comes from (a course without one is refused).
  const now = new Date();
  await lantern.models.classroomAssignments.create({ _id: `${SCHOOL}:course-kestrels:${version._id}`, schoolId: SCHOOL, courseId: 'course-kestrels', versionId: version._id, courseWorkId: 'cw-kestrels', teacherEmail: 'd.reid@northgate.example', dueDate: '2026-12-01', createdAt: now, updatedAt: now });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await lantern?.close();
  await oidc?.close();
});

describe('pupil sign page', () => {
  it('a pupil signs in with their school Google account and signs with the keyboard', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: CHROMEBOOK, bypassCSP: true });
    const { page } = await signIn(context, 'pupil');
    expect(await page.locator('h1').innerText()).toBe(version.title);
    expect(await page.locator('#read-aloud').isVisible()).toBe(true);
    await screenshot(page, 'pupil-sign-page');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await tabTo(page, 'read-aloud');
    expect((await focusStyle(page)).outline).not.toMatch(/^none/);
    await page.keyboard.press('Tab');
    expect(await activeText(page)).toBe('I agree');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').innerText()).toBe('Thank you, you have signed');
    await screenshot(page, 'pupil-signed');
    expect(await seriousA11yViolations(page)).toEqual([]);

    const sig = await lantern.models.agreementSignatures.findOne({ schoolId: SCHOOL, signerId: PUPIL }).lean();
    expect(sig?.channel).toBe('classroom');
    expect(sig?.versionId).toBe(version._id);
    expect(sig?.versionHash).toBe(version.hash);
    expect((sig?.client as Record<string, string>).courseId).toBe('course-kestrels');

    // Opening the link again says so, and records nothing new.
    await page.goto(`${lantern.url}/sign/pupil/${SCHOOL}/course-kestrels?version=${encodeURIComponent(version._id)}`);
    expect(await page.locator('h1').innerText()).toBe('You have already signed');
    expect(await lantern.models.agreementSignatures.countDocuments({ schoolId: SCHOOL, signerId: PUPIL })).toBe(1);
    await context.close();
  });

  it('refuses a pupil of another school, and an account with no school domain', { timeout: 60_000 }, async () => {
    for (const login of ['other', 'personal']) {
      const context = await browser.newContext({ viewport: CHROMEBOOK });
      const { page, status } = await signIn(context, login);
      expect(status).toBe(403);
      expect(await page.locator('h1').innerText()).toBe('This is not a Northgate Primary account');
      if (login === 'other') await screenshot(page, 'pupil-other-school-refused');
      await context.close();
    }
    expect(await lantern.models.agreementSignatures.countDocuments({ schoolId: SCHOOL, channel: 'classroom' })).toBe(1);
  });

  it('refuses an "I agree" without the CSRF token', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: CHROMEBOOK });
    const { page } = await signIn(context, 'pupil2');
    await dropCsrfField(page);
    const [nav] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'I agree' }).click()]);
    expect(nav?.status()).toBe(403);
    expect(await page.locator('h1').innerText()).toBe('We could not accept this form');
    expect(await lantern.models.agreementSignatures.countDocuments({ schoolId: SCHOOL, signerId: 'pupil-032' })).toBe(0);
    await context.close();
  });

  it('refuses a signature for a version other than the one the course assignment links to', { timeout: 60_000 }, async () => {
    // A later version of the same agreement: the pupil is in its audience, but the assignment links to the first.
    const template = findTemplate(loadPolicyLibrary(), 'pupil-aua-ks2');
    const other = (await publishVersion(lantern.models, { ...template, body: `${template.body}\n\nA later paragraph.\n` }, { schoolId: SCHOOL, by: 'test', change: 'material', reason: 'test' })).version;
    const context = await browser.newContext({ viewport: CHROMEBOOK });
    const { page } = await signIn(context, 'pupil2');
    // A form edited to post another version than the link names.
    await page.evaluate(`document.querySelector('input[name=versionId]').value = ${JSON.stringify(other._id)}`);
    const [nav] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'I agree' }).click()]);
    expect(nav?.status()).toBe(409);
    expect(await page.locator('h1').innerText()).toBe('This is not your class’s agreement');
    // A course whose Classroom assignment is for another version.
    const now = new Date();
    await lantern.models.classroomAssignments.create({ _id: `${SCHOOL}:course-otters:${other._id}`, schoolId: SCHOOL, courseId: 'course-otters', versionId: other._id, courseWorkId: 'cw-1', teacherEmail: 'd.reid@northgate.example', dueDate: '2026-12-01', createdAt: now, updatedAt: now });
    const res = await page.goto(`${lantern.url}/sign/pupil/${SCHOOL}/course-otters?version=${encodeURIComponent(version._id)}`);
    expect(res?.status()).toBe(409);
    expect(await lantern.models.agreementSignatures.countDocuments({ schoolId: SCHOOL, signerId: 'pupil-032' })).toBe(0);
    await context.close();
  });
});
