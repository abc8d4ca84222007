import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Connection } from 'mongoose';
import { connectDatabase } from '../../src/db/connect.js';
import { createModels, type Models } from '../../src/stores.js';
import { PLAYGROUND_USER_AAD_ID } from '../../src/directory/demo-directory.js';
import { ARTIFACTS_DIR, launchBrowser } from '../support/browser.js';
import { testMongoUri } from '../support/db.js';
import { startPlayground, type Playground } from '../support/playground.js';
import { spawnLantern, type ServerProcess } from '../support/spawn-lantern.js';

/*
 * The Agents Playground CAN host a channel conversation: its configuration file (.m365agentsplayground.yml)
 * defines one team with a General channel and one more channel, shown under "Teams Channel" in its UI.
 * Here that channel has the demo school's DSL channel id, so Lantern posts the case card into it through
 * the Playground's own connector (/_connector) and the clicks on the card are real Action.Execute invokes.
 *
 * What the Playground cannot do is switch users: it has one current user per run (Alex Wilber, a class
 * teacher, by the demo directory's Entra object id), and a page reload clears every conversation. So after
 * Alex has reported the concern, the test re-binds that object id in the school directory to Ruth Okafor,
 * the DSL, who acknowledges; then back to Alex, whose click on the updated card is refused. Lantern knows
 * people only by that id, so this is what a second Teams user would look like to it. Everything else — the
 * report, the post into the channel, the clicks, the card replaced — goes through the Playground's UI and
 * its connector.
 */
const TEAMMATES = [
  ['Ruth Okafor', 'r.okafor'],
  ['Mark Hughes', 'm.hughes'],
  ['Helen Carter', 'h.carter'],
  ['Sam Patel', 's.patel'],
  ['Jo Evans', 'j.evans'],
] as const;
const PLAYGROUND_CONFIG = `version: "0.1.1"
tenantId: 00000000-0000-0000-0000-0000000000001
bot:
  id: 00000000-0000-0000-0000-00000000000011
  name: Lantern
currentUser:
  id: user-id-0
  name: Alex Wilber
  userPrincipleName: a.wilber@northgate.example
  aadObjectId: ${PLAYGROUND_USER_AAD_ID}
  givenName: Alex
  surname: Wilber
  email: a.wilber@northgate.example
users:
${TEAMMATES.map(([name, local], i) => `  - id: user-id-${i + 1}
    name: ${name}
    userPrincipleName: ${local}@northgate.example
    aadObjectId: 00000000-0000-0000-0000-00000000003${i + 1}
    givenName: ${name.split(' ')[0]}
    surname: ${name.split(' ')[1]}
    email: ${local}@northgate.example`).join('\n')}
personalChat:
  id: personal-chat-alex
groupChat:
  id: group-chat-staff
  name: Staff
team:
  id: 19:safeguarding-general@thread.tacv2
  name: Safeguarding
  aadGroupId: 00000000-0000-0000-0000-000000000031
  channels:
    - id: 19:demo-dsl-channel@thread.tacv2
      name: DSL cases
`;

let lantern: ServerProcess;
let playground: Playground;
let browser: Browser;
let conn: Connection;
let models: Models;

beforeAll(async () => {
  const dbName = `e2e_dsl_${randomUUID().slice(0, 8)}`;
  lantern = await spawnLantern({ MONGODB_URI: `${testMongoUri()}${dbName}` });
  playground = await startPlayground(`${lantern.url}/api/messages`, 60_000, { configYaml: PLAYGROUND_CONFIG });
  browser = await launchBrowser();
  conn = await connectDatabase(testMongoUri(), { dbName });
  models = createModels(conn);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await playground?.stop();
  await lantern?.stop();
  await conn?.close();
});

/** Waits for a locator, keeping a screenshot of the page when it never shows (for the person debugging). */
async function shown(page: Page, locator: ReturnType<Page['locator']>, name: string): Promise<void> {
  try {
    await locator.waitFor({ state: 'visible', timeout: 30_000 });
  } catch (err) {
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, `dsl-failed-${name}.png`) });
    throw err;
  }
}

/** Makes the Playground's one user (its Entra object id) be this member of staff in the school directory. */
async function bindPlaygroundUserTo(email: string): Promise<void> {
  await models.people.updateMany({ schoolId: 'northgate', aadObjectId: PLAYGROUND_USER_AAD_ID }, { $unset: { aadObjectId: 1 } });
  await models.people.updateOne({ schoolId: 'northgate', email }, { $set: { aadObjectId: PLAYGROUND_USER_AAD_ID } });
}

function card(page: Page, text: string) {
  return page.locator('.ac-adaptiveCard', { hasText: text }).last();
}

describe('the DSL channel card in the Microsoft 365 Agents Playground (a real Teams client)', () => {
  it('a staff concern appears in the DSL channel; a non-DSL click is refused and logged; the DSL acknowledges and the card updates', { timeout: 170_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    await page.route(/https:\/\/res(-1)?\.cdn\.office\.net\//, (route) => route.abort());
    await page.goto(playground.url);
    await page.locator('[data-lexical-editor=true]').first().waitFor({ state: 'visible', timeout: 60_000 });

    // Opening the channel installs Lantern there (conversationUpdate), so it can post into it.
    await page.getByText('DSL cases', { exact: true }).click();
    await expect.poll(() => models.conversationRefs.countDocuments({ conversationId: '19:demo-dsl-channel@thread.tacv2', scope: 'channel' }), { timeout: 20_000 }).toBe(1);

    // Alex, a class teacher, reports a concern in his personal chat.
    await page.getByText('Personal Chat', { exact: true }).click();
    const editor = page.locator('[data-lexical-editor=true]').last();
    await editor.click();
    await page.keyboard.type('report a concern');
    await page.keyboard.press('Enter');
    const form = card(page, 'Report a concern');
    await form.waitFor({ state: 'visible', timeout: 30_000 });
    await form.locator('textarea').first().fill('A pupil in Robins said an older child online keeps asking her to video call at night.');
    // The child's own words go in their own box (the second multi-line field of the form).
    await form.locator('textarea').nth(1).fill('She said: "he says I\'m his *best* friend and not to tell".');
    await form.getByRole('button', { name: 'Send to the DSL team' }).click();
    const ack = card(page, 'received your report');
    await ack.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await ack.innerText()).not.toMatch(/NGP-\d{4}/);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'dsl-concern-acknowledged.png') });
    const stored = await models.cases.findOne({ summary: /video call at night/ }).lean();
    // Posted through the Playground's connector into the channel (the id it answered is kept for updates).
    expect(stored).toMatchObject({ source: 'concern', status: 'new', channelPending: false, channelMessage: { conversationId: '19:demo-dsl-channel@thread.tacv2' } });
    expect((stored?.channelMessage as { activityId?: string } | null)?.activityId).toBeTruthy();

    // The case card is in the DSL channel.
    await page.getByText('DSL cases', { exact: true }).click();
    const caseCard = card(page, String(stored?.number));
    await shown(page, caseCard, 'channel-card');
    const posted = await caseCard.innerText();
    expect(posted).toContain('New — not yet acknowledged');
    expect(posted).toContain('Reported by a member of staff');
    expect(posted).toContain('video call at night');
    // Shown verbatim under its own label: the asterisks stay asterisks, not bold.
    expect(posted).toContain("In the child's words");
    expect(posted).toContain('She said: "he says I\'m his *best* friend and not to tell".');
    expect(stored?.childWords).toBe('She said: "he says I\'m his *best* friend and not to tell".');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'dsl-channel-card.png') });

    // The Playground cannot switch users: its one user now stands for Ruth Okafor, the DSL (see the note above).
    await bindPlaygroundUserTo('r.okafor@northgate.example');
    await caseCard.getByRole('button', { name: 'Acknowledge' }).click();
    const acknowledged = page.locator('.ac-adaptiveCard', { hasText: String(stored?.number) }).filter({ hasText: 'Ruth Okafor acknowledged' }).last();
    await shown(page, acknowledged, 'acknowledged');
    const text = await acknowledged.innerText();
    expect(text).toMatch(/Acknowledged/);
    expect(text).not.toContain('New — not yet acknowledged');
    expect(text).not.toContain('${');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'dsl-channel-acknowledged.png') });
    const after = await models.cases.findOne({ caseId: stored?.caseId }).lean();
    expect(after).toMatchObject({ status: 'acknowledged', assignee: { email: 'r.okafor@northgate.example' } });
    expect(await models.caseTimeline.countDocuments({ caseId: stored?.caseId, action: 'acknowledged' })).toBe(1);

    // Back to Alex, who is not on the DSL team: his click on the same card is refused politely and logged.
    await bindPlaygroundUserTo('a.wilber@northgate.example');
    await acknowledged.getByRole('button', { name: 'Assign to me' }).click();
    const refused = card(page, 'This case is for the DSL team only');
    await shown(page, refused, 'refused');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'dsl-channel-refused.png') });
    await expect.poll(() => models.caseAccessLog.countDocuments({ caseId: stored?.caseId, kind: 'refused', who: 'a.wilber@northgate.example' }), { timeout: 10_000 }).toBe(1);
    const unchanged = await models.cases.findOne({ caseId: stored?.caseId }).lean();
    expect(unchanged).toMatchObject({ status: 'acknowledged', assignee: { email: 'r.okafor@northgate.example' } });
    await page.close();
  });
});
