import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from '../sign/http-client.js';
import { screenshot, seriousA11yViolations } from '../sign/page-helpers.js';
import { DESKTOP, entraSignIn, startDashboardTest, type DashboardTest } from './setup.js';

const RUTH = 'r.okafor@northgate.example';
const SAM = 's.whitfield@northgate.example';
let t: DashboardTest;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-dash-pack-'));
const today = new Date().toISOString().slice(0, 10);
const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await startDashboardTest({ olderCases: 0 });
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('inspection pack on the dashboard', () => {
  it('the DSL downloads the pack for a period from the button: one zip with the same files as the command, logged', { timeout: 90_000 }, async () => {
    const context = await t.browser.newContext({ viewport: DESKTOP, bypassCSP: true, acceptDownloads: true });
    const { page } = await entraSignIn(context, t.lantern.url, 'ruth');
    await page.getByRole('link', { name: 'Inspection pack' }).click();
    await page.waitForURL(`${t.lantern.url}/dashboard/northgate/inspection`);
    expect(await page.locator('h1').innerText()).toBe('Inspection pack');
    expect(await page.locator('#pack-to').inputValue()).toBe(today);
    expect(await page.locator('#pack-from').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await screenshot(page, 'dashboard-inspection-pack');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.locator('#pack-from').fill(weekAgo);
    await page.locator('#pack-to').fill(today);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the inspection pack' }).click()]);
    const folder = `inspection-pack-northgate-${weekAgo}-to-${today}`;
    expect(download.suggestedFilename()).toBe(`${folder}.zip`);
    const zip = path.join(dir, 'pack.zip');
    await download.saveAs(zip);
    // The system's own unzip checks every file's CRC and unpacks it.
    expect(execFileSync('unzip', ['-t', zip]).toString()).toContain('No errors detected');
    execFileSync('unzip', ['-q', zip, '-d', dir]);
    expect(readdirSync(path.join(dir, folder)).sort()).toEqual(
      ['consents.csv', 'filter-checks.csv', 'filtering-reviews.csv', 'heads.json', 'incidents.csv', 'index.html', 'register-adults.csv', 'register-classes.csv', 'register-visitors.csv', 'rule-changes.csv', 'training.csv'],
    );
    const index = readFileSync(path.join(dir, folder, 'index.html'), 'utf8');
    expect(index).toContain('Online-safety records: Northgate Primary');
    expect(index).toContain(`For ${weekAgo} to ${today}.`);
    const heads = JSON.parse(readFileSync(path.join(dir, folder, 'heads.json'), 'utf8')) as { heads: string[] };
    expect(heads.heads.map((h) => h.split('/')[1])).toEqual(['cases', 'signatures', 'monitoring', 'consents']);
    expect((await t.accessLog({ who: RUTH, kind: 'view' })).map((e) => e.what)).toEqual(
      expect.arrayContaining(['dashboard: inspection pack page', `dashboard: inspection pack ${weekAgo} to ${today}`]),
    );

    // A period that ends before it starts comes back with the problem, and no file.
    const bad = await page.goto(`${t.lantern.url}/dashboard/northgate/inspection/pack?from=${today}&to=${weekAgo}`);
    expect(bad?.status()).toBe(400);
    expect(await page.locator('[role=alert]').innerText()).toContain('The last day must be on or after the first day.');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await context.close();
  });

  it('refuses the IT team and anyone signed out: no pack, and the refusal is logged', { timeout: 60_000 }, async () => {
    const context = await t.browser.newContext({ viewport: DESKTOP, bypassCSP: true, acceptDownloads: true });
    const { page } = await entraSignIn(context, t.lantern.url, 'sam');
    const refused = await page.goto(`${t.lantern.url}/dashboard/northgate/inspection`);
    expect(refused?.status()).toBe(403);
    const direct = await context.request.get(`${t.lantern.url}/dashboard/northgate/inspection/pack?from=${weekAgo}&to=${today}`);
    expect(direct.status()).toBe(403);
    expect(direct.headers()['content-type']).toMatch(/^text\/html/);
    expect((await t.accessLog({ who: SAM, kind: 'refused' })).length).toBeGreaterThanOrEqual(2);
    expect((await t.accessLog({ who: SAM, kind: 'view' })).map((e) => e.what)).not.toContain(`dashboard: inspection pack ${weekAgo} to ${today}`);
    await context.close();

    const anonymous = await httpRequest(`${t.lantern.url}/dashboard/northgate/inspection/pack?from=${weekAgo}&to=${today}`);
    expect(anonymous.body).toContain('Sign in with Microsoft');
    expect(anonymous.body).not.toContain('PK');
  });
});
