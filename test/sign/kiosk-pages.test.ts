import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_KIOSK_TOKEN } from '../../src/agreements/demo-seed.js';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { createKioskLink, formatKioskToken, revokeKioskLinks } from '../../src/agreements/kiosk-links.js';
import { verifyChain } from '../../src/agreements/verify.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { KIOSK_RATE_LIMITS } from '../../src/web/sign/kiosk-router.js';
import { launchBrowser } from '../support/browser.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { CookieJar, httpRequest } from './http-client.js';
import { activeId, dropCsrfField, focusStyle, screenshot, seriousA11yViolations, tabTo } from './page-helpers.js';

const SCHOOL = 'northgate';
/** A visitor's phone at reception. */
const PHONE = { width: 390, height: 844 } as const;
let lantern: TestLantern;
let browser: Browser;
let context: BrowserContext;

/** Makes a kiosk link for the policy and returns its address as printed on the sheet. */
async function kioskUrl(policyId = 'visitor-aua', at = new Date(), days?: number): Promise<string> {
  const { token } = await createKioskLink(lantern.models, { schoolId: SCHOOL, policyId, createdBy: 'Office', days }, at);
  return `${lantern.url}/sign/kiosk/${formatKioskToken(token)}`;
}

async function open(url: string): Promise<{ page: Page; status: number }> {
  const page = await context.newPage();
  const res = await page.goto(url);
  return { page, status: res?.status() ?? 0 };
}

async function submit(page: Page): Promise<number> {
  const [nav] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'I agree' }).click()]);
  return nav?.status() ?? 0;
}

function kioskSignatures() {
  return lantern.models.agreementSignatures.find({ schoolId: SCHOOL, channel: 'kiosk' }).sort({ seq: 1 }).lean();
}

/** The hidden fields of a kiosk form, read from its HTML. */
function formFields(body: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1] as string] = m[2] as string;
  return fields;
}

beforeAll(async () => {
  lantern = await startTestLantern();
  for (const id of ['visitor-aua', 'volunteer-aua']) await publishVersion(lantern.models, findTemplate(loadPolicyLibrary(), id), { schoolId: SCHOOL, by: 'test' });
  browser = await launchBrowser();
  // bypassCSP only so axe-core can be injected; the CSP itself is the sign pages' (tested with them).
  context = await browser.newContext({ viewport: PHONE, bypassCSP: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await lantern?.close();
});

describe('the reception kiosk (visitors sign from a QR code)', () => {
  // First: a later test revokes the policy's sheets.
  it('the demo school has a reception kiosk for visitors at a fixed address', async () => {
    const reply = await httpRequest(`${lantern.url}/sign/kiosk/${DEMO_KIOSK_TOKEN}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('Visitor acceptable use agreement');
  });

  it('a visitor reads the exact current version and signs with the keyboard alone; the signature is sealed evidence', { timeout: 60_000 }, async () => {
    const url = await kioskUrl();
    const { page, status } = await open(url);
    expect(status).toBe(200);
    const version = await lantern.models.agreementVersions.findOne({ schoolId: SCHOOL, policyId: 'visitor-aua' }).sort({ number: -1 }).lean();
    expect(await page.locator('h1').innerText()).toBe(version?.title);
    expect((await page.locator('#agreement-text').innerText()).length).toBeGreaterThan(200);
    expect((await page.evaluate('document.documentElement.scrollWidth')) as number).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'kiosk-form');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await tabTo(page, 'visitor-name', 60);
    expect((await focusStyle(page)).outline).not.toMatch(/^none/);
    await page.keyboard.type('Pat Visitor');
    await page.keyboard.press('Tab');
    expect(await activeId(page)).toBe('organisation');
    await page.keyboard.type('Fixit Ltd');
    await page.keyboard.press('Tab');
    expect(await activeId(page)).toBe('agree');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').innerText()).toBe('Thank you – you have signed');
    await screenshot(page, 'kiosk-done');
    expect(await seriousA11yViolations(page)).toEqual([]);

    const [sig] = await kioskSignatures();
    expect(sig?.versionId).toBe(version?._id);
    expect(sig?.versionHash).toBe(version?.hash);
    expect(sig?.signerId).toMatch(/^visitor:/);
    expect(sig?.client).toMatchObject({ typedName: 'Pat Visitor', organisation: 'Fixit Ltd', role: 'visitor' });
    expect(sig?.mac).toMatch(/^[0-9a-f]{64}$/);
    expect((await verifyChain(lantern.models, SCHOOL)).ok).toBe(true);

    // The next visitor starts from an empty form, and sees nothing of the one before.
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Next visitor: start again' }).click()]);
    expect(await page.locator('#visitor-name').inputValue()).toBe('');
    await page.locator('#visitor-name').fill('Sam Second');
    await page.locator('#agree').check();
    expect(await submit(page)).toBe(200);
    const done = await page.content();
    expect(done).not.toContain('Pat Visitor');
    expect(done).not.toContain('Fixit');
    expect(await kioskSignatures()).toHaveLength(2);
    await page.close();
  });

  it('asks for the name and the tick, and refuses a form without its CSRF token', async () => {
    const url = await kioskUrl();
    const before = (await kioskSignatures()).length;
    const { page } = await open(url);
    expect(await submit(page)).toBe(400);
    const alert = await page.locator('[role=alert]').innerText();
    expect(alert).toContain('Type your full name.');
    expect(alert).toContain('Tick the box');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.locator('#visitor-name').fill('Jo Helper');
    await page.locator('#agree').check();
    await dropCsrfField(page);
    expect(await submit(page)).toBe(403);
    expect(await kioskSignatures()).toHaveLength(before);
    await page.close();
  });

  it('records the version the visitor read: a change while the page was open shows the new version, and nothing is signed', async () => {
    const url = await kioskUrl('volunteer-aua');
    const { page } = await open(url);
    const template = findTemplate(loadPolicyLibrary(), 'volunteer-aua');
    const { version: v2 } = await publishVersion(lantern.models, { ...template, body: `${template.body}\n\nVolunteers must wear their badge at all times.` }, { schoolId: SCHOOL, by: 'test', change: 'material', reason: 'Badges' });
    await page.locator('#visitor-name').fill('Val Volunteer');
    await page.locator('#agree').check();
    expect(await submit(page)).toBe(409);
    expect(await page.locator('[role=alert]').first().innerText()).toContain('This agreement has just been updated');
    expect(await page.locator('#agreement-text').innerText()).toContain('wear their badge');
    expect(await page.locator('#agree').isChecked()).toBe(false);
    expect(await lantern.models.agreementSignatures.countDocuments({ channel: 'kiosk', policyId: 'volunteer-aua' })).toBe(0);
    await page.locator('#agree').check();
    expect(await submit(page)).toBe(200);
    const sig = await lantern.models.agreementSignatures.findOne({ channel: 'kiosk', policyId: 'volunteer-aua' }).lean();
    expect(sig?.versionId).toBe(v2._id);
    expect(sig?.versionHash).toBe(v2.hash);
    await page.close();
  });

  it('a form posted twice (a double press) records one signature', async () => {
    const url = await kioskUrl();
    const jar = new CookieJar();
    const page = await jar.send(url);
    const fields = { ...formFields(page.body), name: 'Dee Double', organisation: '', agree: 'yes' };
    const first = await jar.send(url, { form: fields });
    const second = await jar.send(url, { form: fields });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await lantern.models.agreementSignatures.countDocuments({ channel: 'kiosk', 'client.typedName': 'Dee Double' })).toBe(1);
  });

  it('refuses a revoked, an expired and a mistyped sheet with a clear page', async () => {
    const revokedUrl = await kioskUrl('visitor-aua');
    expect(await revokeKioskLinks(lantern.models, SCHOOL, 'visitor-aua', 'Office', new Date())).toBeGreaterThanOrEqual(1);
    const revoked = await open(revokedUrl);
    expect(revoked.status).toBe(410);
    expect(await revoked.page.locator('h1').innerText()).toBe('This sheet is no longer in use');
    expect(await seriousA11yViolations(revoked.page)).toEqual([]);
    await revoked.page.close();
    const jar = new CookieJar();
    const fields = formFields((await jar.send(await kioskUrl())).body);
    // A revoked sheet refuses a post too, even one carrying a good form.
    await revokeKioskLinks(lantern.models, SCHOOL, 'visitor-aua', 'Office', new Date());
    expect((await jar.send(revokedUrl, { form: { ...fields, name: 'Late', agree: 'yes' } })).status).toBe(410);

    const expired = await open(await kioskUrl('visitor-aua', new Date(Date.now() - 3 * 86_400_000), 2));
    expect(expired.status).toBe(410);
    expect(await expired.page.locator('h1').innerText()).toBe('This sheet has expired');
    await expired.page.close();

    const mistyped = await open(`${lantern.url}/sign/kiosk/abcd-efgh-jkmn`);
    expect(mistyped.status).toBe(404);
    expect(await mistyped.page.locator('h1').innerText()).toBe('This address does not work');
    await mistyped.page.close();
  });

  it('limits posts and page loads per address, and caps the body size', async () => {
    const url = await kioskUrl();
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const statuses: number[] = [];
    for (let i = 0; i <= KIOSK_RATE_LIMITS.signatures.max; i++) statuses.push((await httpRequest(url, { form: { name: 'x' }, headers: from('203.0.113.9') })).status);
    expect(statuses.slice(0, -1).every((s) => s === 403)).toBe(true);
    const limited = await httpRequest(url, { form: { name: 'x' }, headers: from('203.0.113.9') });
    expect(limited.status).toBe(429);
    expect(limited.body).toContain('Too many tries from this connection');
    // Another address is not held back by the first.
    expect((await httpRequest(url, { form: { name: 'x' }, headers: from('203.0.113.10') })).status).toBe(403);

    const pages: number[] = [];
    for (let i = 0; i <= KIOSK_RATE_LIMITS.pages.max; i++) pages.push((await httpRequest(`${lantern.url}/sign/kiosk/abcd-efgh-jkm${'npqrstuvwxyz'[i % 12]}`, { headers: from('198.51.100.4') })).status);
    expect(pages.slice(0, -1).every((s) => s === 404)).toBe(true);
    expect(pages.at(-1)).toBe(429);

    const big = await httpRequest(url, { form: { name: 'x'.repeat(10_000) }, headers: from('203.0.113.11') });
    expect(big.status).toBe(413);
  });
});
