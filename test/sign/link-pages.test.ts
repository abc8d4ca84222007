import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadConfig, type School } from '../../src/config/load.js';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { inviteSigner, type InviteRequest } from '../../src/agreements/invite.js';
import { issueSignerLink, revokeSignerLinks } from '../../src/agreements/signer-links.js';
import { verifyChain } from '../../src/agreements/verify.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { createMailTransport, type MailTransport } from '../../src/mail/index.js';
import { launchBrowser } from '../support/browser.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { activeText, dropCsrfField, focusStyle, screenshot, seriousA11yViolations, tabTo } from './page-helpers.js';

const SCHOOL = 'northgate';
/** A phone held by a visitor or contractor. */
const PHONE = { width: 390, height: 844 } as const;
let lantern: TestLantern;
let browser: Browser;
let context: BrowserContext;
let gmail: http.Server;
let transport: MailTransport;
let school: School;
const sent: string[] = [];

function request(email: string, extra: Partial<InviteRequest> = {}): InviteRequest {
  return { school, publicUrl: lantern.url, policyId: 'visitor-aua', email, role: 'visitor', invitedBy: 'Office', dryRun: false, now: new Date(), ...extra };
}

/** Invites by email through the Gmail stand-in and returns the link the email carries. */
async function invite(email: string, extra: Partial<InviteRequest> = {}): Promise<string> {
  await inviteSigner(lantern.models, transport, request(email, extra));
  const mail = await simpleParser(sent.at(-1) ?? '');
  const link = /(http:\/\/127\.0\.0\.1:\d+\/sign\/link\/[A-Za-z0-9_-]{43})/.exec(mail.text ?? '')?.[1];
  if (!link) throw new Error('no link in the email');
  return link;
}

async function open(url: string): Promise<{ page: Page; status: number }> {
  const page = await context.newPage();
  const res = await page.goto(url);
  return { page, status: res?.status() ?? 0 };
}

beforeAll(async () => {
  lantern = await startTestLantern();
  await publishVersion(lantern.models, findTemplate(loadPolicyLibrary(), 'visitor-aua'), { schoolId: SCHOOL, by: 'test' });
  // A local server standing in for Google's token endpoint and the Gmail API.
  gmail = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/token') return res.end(JSON.stringify({ access_token: 'tok', expires_in: 3600, token_type: 'Bearer' }));
      sent.push(Buffer.from((JSON.parse(body) as { raw: string }).raw, 'base64url').toString());
      res.end(JSON.stringify({ id: `m${sent.length}` }));
    });
  });
  await new Promise<void>((r) => gmail.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(gmail.address() as AddressInfo).port}`;
  const keyFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'lantern-link-')), 'sa.json');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(keyFile, JSON.stringify({ client_email: 'lantern@p.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) }));
  transport = createMailTransport('gmail', { google: { serviceAccountKeyFile: keyFile, apiUrl: `${base}/`, tokenUrl: `${base}/token` }, microsoft: { tenantId: null, clientId: null, clientSecret: null, authorityHost: '', graphUrl: '' } });
  const demo = loadConfig({ env: {}, cwd: os.tmpdir() }).schools[0] as School;
  school = { ...demo, agreements: { academicYearStart: '09-01', ...demo.agreements, invites: { sender: 'office@northgate.example', transport: 'gmail', linkDays: 14 } } };
  browser = await launchBrowser();
  // bypassCSP only so axe-core can be injected; the CSP itself is asserted on the response headers.
  context = await browser.newContext({ viewport: PHONE, bypassCSP: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => gmail?.close(() => r()));
  await lantern?.close();
});

describe('signing by emailed link (people without a school Teams account)', () => {
  it('emails a single-use link; the visitor reads the exact version and signs it with the keyboard alone, as evidence', { timeout: 60_000 }, async () => {
    const url = await invite('sam.fixit@contractor.example', { name: 'Sam Fixit', role: 'contractor' });
    const mail = await simpleParser(sent.at(-1) ?? '');
    expect(mail.from?.text).toBe('office@northgate.example');
    expect(mail.subject).toMatch(/^Please sign: .+ – Northgate Primary$/);
    const token = url.split('/').at(-1) ?? '';
    // Only the hash is stored: the token in the email is in no document.
    expect(JSON.stringify(await lantern.models.agreementSignerLinks.find().lean())).not.toContain(token);

    const { page, status } = await open(url);
    expect(status).toBe(200);
    const version = await lantern.models.agreementVersions.findOne({ schoolId: SCHOOL, policyId: 'visitor-aua' }).lean();
    expect(await page.locator('h1').innerText()).toBe(version?.title);
    expect((await page.locator('#agreement-text').innerText()).length).toBeGreaterThan(200);
    expect(await page.locator('#typed-name').inputValue()).toBe('Sam Fixit');
    const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'signer-link-form');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await tabTo(page, 'typed-name', 60);
    expect((await focusStyle(page)).outline).not.toMatch(/^none/);
    await page.keyboard.press('Tab');
    expect(await activeText(page)).toBe('I agree');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').innerText()).toBe('Thank you – you have signed');
    await screenshot(page, 'signer-link-done');
    expect(await seriousA11yViolations(page)).toEqual([]);

    const sig = await lantern.models.agreementSignatures.findOne({ schoolId: SCHOOL, channel: 'link' }).lean();
    expect(sig?.versionId).toBe(version?._id);
    expect(sig?.versionHash).toBe(version?.hash);
    expect(sig?.signerId).toMatch(/^guest:/);
    expect(sig?.client).toMatchObject({ typedName: 'Sam Fixit', role: 'contractor' });
    expect((await verifyChain(lantern.models, SCHOOL)).ok).toBe(true);

    const again = await page.goto(url);
    expect(again?.status()).toBe(410);
    expect(await page.locator('h1').innerText()).toBe('This link has already been used');
    await page.close();
  });

  it('a governor invited by their school address signs as themselves, so the registers count it', async () => {
    const url = await invite('I.Siddiqui@northgate.example', { role: 'governor' });
    const { page } = await open(url);
    await page.locator('#typed-name').fill('Imran Siddiqui');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'I agree' }).click()]);
    expect(await page.locator('h1').innerText()).toContain('you have signed');
    const sig = await lantern.models.agreementSignatures.findOne({ schoolId: SCHOOL, channel: 'link', signerId: 'gov-002' }).lean();
    expect(sig?.client).toMatchObject({ typedName: 'Imran Siddiqui', role: 'governor' });
    await page.close();
  });

  it('asks for the typed name, and refuses a form without its CSRF token, without spending the link', async () => {
    const url = await invite('jo.helper@example.com', { role: 'volunteer' });
    const { page } = await open(url);
    const [nav] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'I agree' }).click()]);
    expect(nav?.status()).toBe(400);
    expect(await page.locator('[role=alert]').innerText()).toContain('Type your full name to sign.');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.locator('#typed-name').fill('Jo Helper');
    await dropCsrfField(page);
    const [refused] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'I agree' }).click()]);
    expect(refused?.status()).toBe(403);
    expect(await lantern.models.agreementSignerLinkUses.exists({ _id: createHash('sha256').update(url.split('/').at(-1) ?? '').digest('hex') })).toBeNull();
    expect((await page.goto(url))?.status()).toBe(200);
    await page.close();
  });

  it('refuses a revoked, an expired and a tampered link with a clear page', async () => {
    const revokedUrl = await invite('late@contractor.example');
    expect(await revokeSignerLinks(lantern.models, SCHOOL, 'visitor-aua', 'LATE@contractor.example', 'Office', new Date())).toBe(1);
    const revoked = await open(revokedUrl);
    expect(revoked.status).toBe(410);
    expect(await revoked.page.locator('h1').innerText()).toBe('This link no longer works');
    await revoked.page.close();

    const { token } = await issueSignerLink(lantern.models, { schoolId: SCHOOL, policyId: 'visitor-aua', email: 'old@example.com', role: 'visitor', invitedBy: 'Office' }, new Date(Date.now() - 15 * 86_400_000));
    const expired = await open(`${lantern.url}/sign/link/${token}`);
    expect(expired.status).toBe(410);
    expect(await expired.page.locator('h1').innerText()).toBe('This link has expired');
    expect(await seriousA11yViolations(expired.page)).toEqual([]);
    await expired.page.close();

    const good = await invite('someone@example.com');
    const tampered = await open(`${good.slice(0, -1)}${good.at(-1) === 'A' ? 'B' : 'A'}`);
    expect(tampered.status).toBe(404);
    expect(await tampered.page.locator('h1').innerText()).toBe('This link does not work');
    await tampered.page.close();
  });

  it('a dry run checks the policy and sends and stores nothing', async () => {
    const before = { mails: sent.length, links: await lantern.models.agreementSignerLinks.countDocuments() };
    const r = await inviteSigner(lantern.models, transport, request('dry@example.com', { dryRun: true }));
    expect(r.sent).toBe(false);
    expect(sent.length).toBe(before.mails);
    expect(await lantern.models.agreementSignerLinks.countDocuments()).toBe(before.links);
    await expect(inviteSigner(lantern.models, transport, request('dry@example.com', { policyId: 'no-such-policy', dryRun: true }))).rejects.toThrow(/no published version of "no-such-policy"/);
  });
});
