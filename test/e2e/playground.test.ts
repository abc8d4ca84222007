import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ARTIFACTS_DIR, launchBrowser } from '../support/browser.js';
import { testMongoUri } from '../support/db.js';
import { startPlayground, type Playground } from '../support/playground.js';
import { spawnLantern, type ServerProcess } from '../support/spawn-lantern.js';

let lantern: ServerProcess;
let playground: Playground;
let browser: Browser;

beforeAll(async () => {
  lantern = await spawnLantern({ MONGODB_URI: `${testMongoUri()}e2e_${randomUUID().slice(0, 8)}` });
  playground = await startPlayground(`${lantern.url}/api/messages`);
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await playground?.stop();
  await lantern?.stop();
});

/** Opens the Playground, types `message` in the personal chat and waits for the card titled `title`. */
async function askInChat(message: string, title: string) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // The Playground's page asks an Office CDN for fonts; this machine is offline, so fail those fast.
  await page.route(/https:\/\/res(-1)?\.cdn\.office\.net\//, (route) => route.abort());
  await page.goto(playground.url);
  const editor = page.locator('[data-lexical-editor=true]');
  await editor.waitFor({ state: 'visible', timeout: 60_000 });
  await editor.click();
  await page.keyboard.type(message);
  await page.keyboard.press('Enter');
  const card = page.locator('.ac-adaptiveCard', { hasText: title });
  await card.first().waitFor({ state: 'visible', timeout: 30_000 });
  return { page, card };
}

describe('Lantern in the Microsoft 365 Agents Playground (a real Teams client)', () => {
  it('shows the help card when a teacher types "help"', { timeout: 120_000 }, async () => {
    const { page, card } = await askInChat('help', 'Lantern — online safety at Northgate Primary');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'playground-help-card.png') });

    const text = await card.first().innerText();
    expect(text).toContain('Hello Alex');
    expect(text).toContain('Agreements');
    expect(text).toContain('Your class');
    expect(text).not.toContain('${');
    await page.close();
  });

  it('gives the class teacher the "who may not appear" list of their class (the demo answers in Robins)', { timeout: 120_000 }, async () => {
    const { page, card } = await askInChat('who may not appear', 'Who may not appear — Northgate Primary');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'playground-who-may-not-appear.png') });
    const text = await card.first().innerText();
    expect(text).toContain('Robins: 6 of 10 pupils');
    expect(text).toContain('Photos on the school website (withdrawn)');
    expect(text).toContain('(no answer)');
    expect(text).not.toContain('Kestrels');
    expect(text).not.toContain('${');
    await page.close();
  });
});
