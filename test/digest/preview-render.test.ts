import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Connection } from 'mongoose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { createModels, ensureIndexes } from '../../src/stores.js';
import { ARTIFACTS_DIR, launchBrowser } from '../support/browser.js';
import { connectTestDatabase, dropTestDatabase, testMongoUri } from '../support/db.js';
import { forbiddenStrings, insertFixtures } from './fixtures.js';

let conn: Connection;
let browser: Browser;
let outDir: string;
const lines: string[] = [];

beforeAll(async () => {
  conn = await connectTestDatabase('digest_preview');
  const models = createModels(conn);
  await ensureIndexes(models);
  await insertFixtures(conn, models);
  outDir = mkdtempSync(path.join(os.tmpdir(), 'digest-preview-'));
  const code = await runCli(['digest', 'preview', '--school', 'northgate', '--week', '2026-W47', '--out', outDir], {
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    env: { MONGODB_URI: `${testMongoUri()}${conn.name}`, LOG_LEVEL: 'silent' },
    cwd: os.tmpdir(),
  });
  expect(code).toBe(0);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await dropTestDatabase(conn);
});

describe('lantern digest preview', () => {
  it('writes the HTML, text, subject and PNG charts without sending', () => {
    expect(lines[0]).toBe('Northgate Primary — online safety, week of 16 Nov 2026 (2026-W47)');
    expect(readdirSync(outDir).sort()).toEqual(['agreement-completion.png', 'digest.html', 'digest.txt', 'incident-trend.png', 'subject.txt']);
    const html = readFileSync(path.join(outDir, 'digest.html'), 'utf8');
    expect(html).toContain('src="incident-trend.png"');
    for (const s of forbiddenStrings()) expect(html + readFileSync(path.join(outDir, 'digest.txt'), 'utf8')).not.toContain(s);
  });

  it('rejects a malformed week with a clear message', async () => {
    const err: string[] = [];
    const code = await runCli(['digest', 'preview', '--school', 'northgate', '--week', '2026-47', '--out', outDir], { out: () => undefined, err: (l) => err.push(l), env: { MONGODB_URI: `${testMongoUri()}${conn.name}`, LOG_LEVEL: 'silent' }, cwd: os.tmpdir() });
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('use the form 2026-W47');
  });

  it('digest send in demo mode says which credential is missing and sends nothing', async () => {
    const err: string[] = [];
    const code = await runCli(['digest', 'send', '--school', 'northgate', '--week', '2026-W47'], { out: () => undefined, err: (l) => err.push(l), env: { MONGODB_URI: `${testMongoUri()}${conn.name}`, LOG_LEVEL: 'silent' }, cwd: os.tmpdir() });
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/mail_not_configured.*LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE is not set/);
  });

  it.each([
    ['desktop', 1280, 900],
    ['phone', 390, 844],
  ] as const)('renders in Chromium at %s width without horizontal scrolling', async (name, width, height) => {
    const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(path.join(outDir, 'digest.html')).href);
    const sizes = (await page.evaluate('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth, images: [...document.images].map((i) => i.complete && i.naturalWidth > 0) })')) as { scroll: number; client: number; images: boolean[] };
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, `digest-${name}.png`), fullPage: true });
    await page.close();
    expect(sizes.images).toEqual([true, true]);
    expect(sizes.scroll).toBeLessThanOrEqual(sizes.client);
  });
});
