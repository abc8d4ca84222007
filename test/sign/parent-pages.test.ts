import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { currentConsents } from '../../src/parents/consents.js';
import { linksFromDirectory, syncLinks } from '../../src/parents/links.js';
import { hashToken, issueToken } from '../../src/parents/tokens.js';
import { launchBrowser } from '../support/browser.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { activeText, CHROMEBOOK, dropCsrfField, focusStyle, screenshot, seriousA11yViolations, tabTo } from './page-helpers.js';

let lantern: TestLantern;
let browser: Browser;
let context: BrowserContext;
let consentHash: string;
const SCHOOL = 'northgate';
// Demo directory: pupil-011 is in Robins (Year 1), so the parent signs the class rules too; pupil-041 is in Badgers (Year 5).
const KS1 = { parentId: 'parent-011', pupilId: 'pupil-011' };
const KS2 = { parentId: 'parent-041', pupilId: 'pupil-041' };

async function link(who: { parentId: string; pupilId: string }, purpose: 'consent' | 'review' = 'consent', issuedAt = new Date()): Promise<string> {
  const { token } = await issueToken(lantern.models, { schoolId: SCHOOL, ...who, purpose, round: 'test' }, issuedAt);
  return `${lantern.url}/parents/consent/${token}`;
}

async function open(url: string): Promise<{ page: Page; status: number }> {
  const page = await context.newPage();
  const res = await page.goto(url);
  return { page, status: res?.status() ?? 0 };
}

beforeAll(async () => {
  lantern = await startTestLantern();
  // Links are emailed only for the school's parent–child links, and work only while those stay active.
  await syncLinks(lantern.models, SCHOOL, 'directory', await linksFromDirectory(lantern.models.people, SCHOOL), new Date());
  const library = loadPolicyLibrary();
  await publishVersion(lantern.models, findTemplate(library, 'class-rules-eyfs-ks1'), { schoolId: SCHOOL, by: 'test' });
  // KS2 pupils sign their own agreement; their parents are offered a countersignature.
  await publishVersion(lantern.models, findTemplate(library, 'pupil-aua-ks2'), { schoolId: SCHOOL, by: 'test' });
  consentHash = (await publishVersion(lantern.models, findTemplate(library, 'parent-consent'), { schoolId: SCHOOL, by: 'test' })).version.hash;
  browser = await launchBrowser();
  // bypassCSP only so axe-core can be injected; the CSP itself is asserted on the response headers.
  context = await browser.newContext({ viewport: CHROMEBOOK, bypassCSP: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await lantern?.close();
});

describe('parent consent pages', () => {
  it('a parent signs the class agreement and gives both consents', { timeout: 60_000 }, async () => {
    const page = await context.newPage();
    const res = await page.goto(await link(KS1));
    expect(res?.status()).toBe(200);
    const csp = res?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res?.headers()['referrer-policy']).toBe('no-referrer');
    expect(await page.locator('h1').innerText()).toMatch(/^Consent for /);
    expect((await page.locator('#agreement-text').innerText()).length).toBeGreaterThan(200);
    await screenshot(page, 'parent-consent-form');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByLabel(/I agree on behalf of/).check();
    await page.locator('#internet-yes').check();
    await page.locator('#photos-yes').check();
    await page.getByLabel('Type your full name to sign').fill('Sam Example');
    const done = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send my answers' }).click()]);
    expect(done[0]?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toContain('your answers are saved');
    await screenshot(page, 'parent-consent-done');
    expect(await seriousA11yViolations(page)).toEqual([]);

    const state = await currentConsents(lantern.models, SCHOOL, KS1.pupilId);
    expect(state.agreement?.decision).toBe('given');
    expect(state.internet?.decision).toBe('given');
    expect(state.photos?.decision).toBe('given');
    expect(state.photos?.typedName).toBe('Sam Example');
    expect(state.photos?.versionHash).toBe(consentHash);
    const sig = await lantern.models.agreementSignatures.findOne({ schoolId: SCHOOL, onBehalfOfId: KS1.pupilId }).lean();
    expect(sig?.channel).toBe('parent-link');
    expect(sig?.signerId).toBe(KS1.parentId);
    await page.close();
  });

  it('the same link cannot be used twice', async () => {
    const url = await link(KS2);
    const first = await open(url);
    await first.page.locator('#internet-no').check();
    await first.page.locator('#photos-no').check();
    await first.page.locator('#typed-name').fill('Pat Example');
    await Promise.all([first.page.waitForNavigation(), first.page.locator('button[type=submit]').click()]);
    expect(await first.page.locator('h1').innerText()).toContain('saved');
    await first.page.close();

    const again = await open(url);
    expect(again.status).toBe(410);
    expect(await again.page.locator('h1').innerText()).toBe('This link has already been used');
    await screenshot(again.page, 'parent-link-used');
    await again.page.close();
  });

  it('a later link lets the parent withdraw photo consent, as a new record', { timeout: 60_000 }, async () => {
    const { page } = await open(await link(KS1, 'review'));
    expect(await page.locator('h1').innerText()).toMatch(/^Check or change your consent/);
    expect(await page.locator('#photos-yes').isChecked()).toBe(true);
    expect(await page.locator('#agreement').count()).toBe(0);
    await screenshot(page, 'parent-review-form');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByLabel('No, I withdraw my consent').last().check();
    await page.locator('#typed-name').fill('Sam Example');
    await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()]);
    expect(await page.locator('main').innerText()).toContain('Photos on the school website: no – consent withdrawn');
    await screenshot(page, 'parent-review-done');

    const state = await currentConsents(lantern.models, SCHOOL, KS1.pupilId);
    expect(state.photos?.decision).toBe('withdrawn');
    expect(state.internet?.decision).toBe('given');
    const photos = await lantern.models.parentConsents.find({ schoolId: SCHOOL, pupilId: KS1.pupilId, kind: 'photos' }).sort({ seq: 1 }).lean();
    expect(photos.map((p) => p.decision)).toEqual(['given', 'withdrawn']);
    await page.close();
  });

  it('refuses an expired link and a tampered link with a clear page', async () => {
    const expired = await open(await link(KS2, 'consent', new Date(Date.now() - 15 * 86_400_000)));
    expect(expired.status).toBe(410);
    expect(await expired.page.locator('h1').innerText()).toBe('This link has expired');
    await screenshot(expired.page, 'parent-link-expired');
    expect(await seriousA11yViolations(expired.page)).toEqual([]);
    await expired.page.close();

    const good = await link(KS2);
    const last = good.at(-1) === 'A' ? 'B' : 'A';
    const tampered = await open(`${good.slice(0, -1)}${last}`);
    expect(tampered.status).toBe(404);
    expect(await tampered.page.locator('h1').innerText()).toBe('This link does not work');
    await screenshot(tampered.page, 'parent-link-tampered');
    await tampered.page.close();
  });

  it('asks again, naming each missing answer, without spending the link', async () => {
    const url = await link({ parentId: 'parent-012', pupilId: 'pupil-012' });
    const { page } = await open(url);
    await page.locator('#internet-yes').check();
    const [nav] = await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()]);
    expect(nav?.status()).toBe(400);
    const summary = await page.locator('[role=alert]').innerText();
    expect(summary).toContain('Choose yes or no for the class agreement.');
    expect(summary).toContain('Choose yes or no for “Photos on the school website”.');
    expect(summary).toContain('Type your full name to sign.');
    expect(await page.locator('#internet-yes').isChecked()).toBe(true);
    await screenshot(page, 'parent-consent-errors');
    expect(await lantern.models.parentTokenUses.exists({ _id: hashToken(url.split('/').at(-1) ?? '') })).toBeNull();
    expect(await lantern.models.parentConsents.countDocuments({ pupilId: 'pupil-012' })).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.close();
  });

  it('refuses an answer to a question the form does not ask, saying so, and keeps the link usable', { timeout: 60_000 }, async () => {
    const url = await link({ parentId: 'parent-047', pupilId: 'pupil-047' });
    const { page } = await open(url);
    expect(await page.locator('#questions fieldset legend').allInnerTexts()).toEqual(['Using the internet at school', 'Photos on the school website']);
    await page.locator('#internet-yes').check();
    await page.locator('#photos-yes').check();
    await page.locator('#typed-name').fill('Pat Example');
    // A page left open while the school changed its questions (or a made-up field) posts an answer the form does not ask.
    await page.evaluate(`document.querySelector('form').append(Object.assign(document.createElement('input'), { type: 'hidden', name: 'video', value: 'yes' }))`);
    const [nav] = await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()]);
    expect(nav?.status()).toBe(400);
    expect(await page.locator('[role=alert]').innerText()).toContain('This form does not ask about “video”, so nothing was saved.');
    expect(await page.locator('#internet-yes').isChecked()).toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await lantern.models.parentConsents.countDocuments({ pupilId: 'pupil-047' })).toBe(0);
    expect(await lantern.models.parentTokenUses.exists({ _id: hashToken(url.split('/').at(-1) ?? '') })).toBeNull();
    await page.close();
  });

  it('refuses a form without its CSRF token and keeps the link usable', async () => {
    const url = await link(KS2);
    const { page } = await open(url);
    await page.locator('#internet-yes').check();
    await page.locator('#photos-yes').check();
    await page.locator('#typed-name').fill('Pat Example');
    await dropCsrfField(page);
    const [nav] = await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()]);
    expect(nav?.status()).toBe(403);
    expect(await page.locator('h1').innerText()).toBe('We could not accept this form');
    await screenshot(page, 'parent-csrf-refused');
    expect(await lantern.models.parentTokenUses.exists({ _id: hashToken(url.split('/').at(-1) ?? '') })).toBeNull();
    const again = await page.goto(url);
    expect(again?.status()).toBe(200);
    await page.close();
  });

  it('a parent can complete the form with the keyboard alone', { timeout: 60_000 }, async () => {
    const { page } = await open(await link({ parentId: 'parent-042', pupilId: 'pupil-042' }));
    await tabTo(page, 'internet-yes');
    expect((await focusStyle(page)).outline).not.toMatch(/^none/);
    await page.keyboard.press('Space');
    await tabTo(page, 'photos-yes');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, 'typed-name');
    await page.keyboard.type('Kim Example');
    await page.keyboard.press('Tab');
    expect(await activeText(page)).toBe('Send my answers');
    expect((await focusStyle(page)).outline).not.toMatch(/^none/);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').innerText()).toContain('saved');
    const state = await currentConsents(lantern.models, SCHOOL, 'pupil-042');
    expect(state.internet?.decision).toBe('given');
    expect(state.photos?.decision).toBe('refused');
    await page.close();
  });

  it('a KS2 parent countersigns their child’s agreement on a narrow phone, with the keyboard', { timeout: 60_000 }, async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await phone.newPage();
    await page.goto(await link({ parentId: 'parent-045', pupilId: 'pupil-045' }));
    expect(await page.locator('#countersign legend').innerText()).toContain('Pupil acceptable use agreement');
    expect(await page.locator('#countersign-hint').innerText()).toContain('has not signed it at school yet');
    await page.locator('#countersign summary').click();
    expect((await page.locator('#countersign-text').innerText()).length).toBeGreaterThan(200);
    expect((await page.evaluate('document.documentElement.scrollWidth')) as number).toBeLessThanOrEqual(390);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'parent-countersign-phone');
    await tabTo(page, 'countersign-yes');
    expect((await focusStyle(page)).outline).not.toMatch(/^none/);
    await page.keyboard.press('Space');
    await page.locator('#internet-yes').check();
    await page.locator('#photos-no').check();
    await page.locator('#typed-name').fill('Jo Example');
    await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()]);
    expect(await page.locator('main').innerText()).toContain('Pupil acceptable use agreement (Key Stage 2): countersigned');
    const sig = await lantern.models.agreementSignatures.findOne({ schoolId: SCHOOL, onBehalfOfId: 'pupil-045' }).lean();
    expect(sig?.outcome).toBe('countersigned');
    expect(sig?.signerId).toBe('parent-045');

    await page.goto(await link({ parentId: 'parent-045', pupilId: 'pupil-045' }, 'review'));
    expect(await page.locator('#countersign').count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain('agreement on');
    await phone.close();
  });
});
