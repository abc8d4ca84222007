import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Connection } from 'mongoose';
import { connectDatabase } from '../../src/db/connect.js';
import { createModels, type Models } from '../../src/stores.js';
import { startFakeBotConnector, type FakeBotConnector } from '../../src/bench/fake-bot-connector.js';
import { ARTIFACTS_DIR, launchBrowser } from '../support/browser.js';
import { testMongoUri } from '../support/db.js';
import { startPlayground, type Playground } from '../support/playground.js';
import { spawnLantern, type ServerProcess } from '../support/spawn-lantern.js';

let lantern: ServerProcess;
let playground: Playground;
let browser: Browser;
let connector: FakeBotConnector;
let conn: Connection;
let models: Models;
const HELEN_AAD = '00000000-0000-0000-0000-00000000h001';

beforeAll(async () => {
  const dbName = `e2e_agr_${randomUUID().slice(0, 8)}`;
  lantern = await spawnLantern({ MONGODB_URI: `${testMongoUri()}${dbName}` });
  playground = await startPlayground(`${lantern.url}/api/messages`);
  browser = await launchBrowser();
  connector = await startFakeBotConnector();
  conn = await connectDatabase(testMongoUri(), { dbName });
  models = createModels(conn);
  // Helen Carter, the headteacher, owns the staff AUA; her Lantern chat is served by the fake connector.
  await models.people.updateOne({ schoolId: 'northgate', email: 'h.carter@northgate.example' }, { $set: { aadObjectId: HELEN_AAD } });
  await models.conversationRefs.create({
    conversationId: 'a:helen-chat',
    scope: 'personal',
    schoolId: 'northgate',
    aadObjectId: HELEN_AAD,
    reference: { serviceUrl: connector.url, channelId: 'msteams', conversation: { id: 'a:helen-chat', conversationType: 'personal' }, user: { id: '29:helen' }, agent: { id: '28:lantern' } },
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await playground?.stop();
  await lantern?.stop();
  await connector?.close();
  await conn?.close();
});

async function openChat(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.route(/https:\/\/res(-1)?\.cdn\.office\.net\//, (route) => route.abort());
  await page.goto(playground.url);
  await page.locator('[data-lexical-editor=true]').waitFor({ state: 'visible', timeout: 60_000 });
  return page;
}

function card(page: Page, text: string) {
  return page.locator('.ac-adaptiveCard', { hasText: text }).last();
}

describe('agreements in the Microsoft 365 Agents Playground (a real Teams client)', () => {
  it('shows the staff AUA card on opening; the question reaches the owner; "I agree" shows the signed state', { timeout: 150_000 }, async () => {
    const page = await openChat();
    const aua = card(page, 'Staff acceptable use agreement');
    await aua.waitFor({ state: 'visible', timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'agreements-aua-card.png') });
    expect(await aua.innerText()).toContain('I agree');

    await aua.getByRole('button', { name: 'I have a question' }).click();
    const ask = card(page, 'A question about: Staff acceptable use agreement');
    await ask.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await ask.innerText()).toContain('Helen Carter');
    await ask.locator('textarea').fill('Can I check school email on my own phone?');
    await ask.getByRole('button', { name: 'Send my question' }).click();
    const sent = card(page, 'Question sent');
    await sent.waitFor({ state: 'visible', timeout: 30_000 });
    await expect.poll(() => connector.deliveries.filter((d) => d.conversationId === 'a:helen-chat').length, { timeout: 15_000 }).toBe(1);
    expect(JSON.stringify(connector.deliveries[0]?.activity)).toContain('Can I check school email on my own phone?');
    // The record is marked delivered just after the connector answers: wait for it rather than race it.
    await expect.poll(() => models.agreementQuestions.countDocuments({ personId: 'staff-005', delivered: true }), { timeout: 15_000 }).toBe(1);

    await sent.getByRole('button', { name: 'Back to the agreement' }).click();
    const again = card(page, 'Staff acceptable use agreement');
    await again.getByRole('button', { name: 'I agree' }).waitFor({ state: 'visible', timeout: 30_000 });
    await again.getByRole('button', { name: 'I agree' }).click();
    const signed = card(page, 'Signed — thank you, Alex');
    await signed.waitFor({ state: 'visible', timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'agreements-aua-signed.png') });
    expect(await signed.innerText()).toContain('Version');
    const records = await models.agreementSignatures.find({ signerId: 'staff-005', channel: 'teams' }).lean();
    expect(records).toHaveLength(1);
    await page.close();
  });

  it('records a teacher\'s class agreement on behalf of ticked pupils', { timeout: 150_000 }, async () => {
    const page = await openChat();
    const editor = page.locator('[data-lexical-editor=true]');
    await editor.click();
    await page.keyboard.type('class agreement');
    await page.keyboard.press('Enter');
    const list = card(page, 'Our class rules for using computers and tablets — Robins');
    await list.waitFor({ state: 'visible', timeout: 30_000 });
    // Each pupil has a tick for "agreed" (named after the pupil) and one for "Absent".
    const boxes = list.getByRole('checkbox', { name: /^(?!Absent$)/ });
    expect(await boxes.count()).toBe(10);
    expect(await list.getByRole('checkbox', { name: 'Absent', exact: true }).count()).toBe(10);
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'agreements-class-list.png') });
    await list.getByRole('button', { name: 'Record agreement' }).click();
    const done = card(page, 'Recorded 2 new agreement(s)');
    await done.waitFor({ state: 'visible', timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'agreements-class-recorded.png') });
    const proxies = await models.agreementSignatures.find({ channel: 'teams-proxy', signerId: 'staff-005' }).lean();
    expect(proxies).toHaveLength(2);
    await page.close();
  });
});
