import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Connection } from 'mongoose';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { connectDatabase } from '../../src/db/connect.js';
import { createModels, type Models } from '../../src/stores.js';
import { ARTIFACTS_DIR, launchBrowser } from '../support/browser.js';
import { testMongoUri } from '../support/db.js';
import { startPlayground, type Playground } from '../support/playground.js';
import { spawnLantern, type ServerProcess } from '../support/spawn-lantern.js';

let lantern: ServerProcess;
let playground: Playground;
let browser: Browser;
let conn: Connection;
let models: Models;

beforeAll(async () => {
  const dbName = `e2e_camp_${randomUUID().slice(0, 8)}`;
  lantern = await spawnLantern({ MONGODB_URI: `${testMongoUri()}${dbName}` });
  playground = await startPlayground(`${lantern.url}/api/messages`);
  browser = await launchBrowser();
  conn = await connectDatabase(testMongoUri(), { dbName });
  models = createModels(conn);
  // The Playground's user, Alex Wilber, owns one agreement: the one for the helpers who volunteer in his class.
  const template = findTemplate(loadPolicyLibrary(), 'volunteer-aua');
  await publishVersion(models, { ...template, id: 'robins-helpers', title: 'Robins classroom helpers agreement', owner: 'a.wilber@northgate.example' }, { schoolId: 'northgate', by: 'test' });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await playground?.stop();
  await lantern?.stop();
  await conn?.close();
});

describe('the policy owner\'s campaign card in the Microsoft 365 Agents Playground', () => {
  it('"issue agreement" → Preview shows who would receive what → Start issues it once', { timeout: 150_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    await page.route(/https:\/\/res(-1)?\.cdn\.office\.net\//, (route) => route.abort());
    await page.goto(playground.url);
    const editor = page.locator('[data-lexical-editor=true]');
    await editor.waitFor({ state: 'visible', timeout: 60_000 });
    await editor.click();
    await page.keyboard.type('issue agreement');
    await page.keyboard.press('Enter');
    const form = page.locator('.ac-adaptiveCard', { hasText: 'Issue an agreement' }).last();
    await form.waitFor({ state: 'visible', timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'agreements-campaign-form.png') });

    await form.getByRole('button', { name: 'Preview' }).click();
    const preview = page.locator('.ac-adaptiveCard', { hasText: 'Preview: Robins classroom helpers agreement' }).last();
    await preview.waitFor({ state: 'visible', timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'agreements-campaign-preview.png') });
    const shown = await preview.innerText();
    expect(shown).toMatch(/volunteers: \d+, each gets a card in Teams/);
    expect(shown).toContain('Not reachable — Lantern not installed for them');
    expect(await models.agreementCampaigns.countDocuments({ key: /^card-/ })).toBe(0);

    await preview.getByRole('button', { name: 'Start' }).click();
    const started = page.locator('.ac-adaptiveCard', { hasText: 'Campaign started' }).last();
    await started.waitFor({ state: 'visible', timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'agreements-campaign-started.png') });
    const campaigns = await models.agreementCampaigns.find({ key: /^card-/ }).lean();
    expect(campaigns).toHaveLength(1);
    expect(campaigns[0]).toMatchObject({ versionId: 'northgate:robins-helpers:v1', createdBy: 'a.wilber@northgate.example', audience: { roles: ['volunteer'] } });
    await page.close();
  });
});
