import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBotConnector, type FakeBotConnector } from '../../src/bench/fake-bot-connector.js';
import { loadConfig, type School } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { sendTrainingReminders } from '../../src/records/reminders.js';
import { makeActivity, makeInstall, makeMessage, postActivity, repliedCards } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { teamsEdgeFor } from '../support/teams.js';

// The IT manager logs a filter check on the Teams card, and training reminders reach people in Teams:
// through the real /api/messages endpoint, Agents SDK and proactive sender, to a fake Bot Connector.
let lantern: TestLantern;
let connector: FakeBotConnector;
const TENANT = '00000000-0000-0000-0000-0000000000001';
const SAM = { personId: 'staff-004', aad: '00000000-0000-0000-0000-00000000s004', name: 'Sam Whitfield', chat: 'a:sam-chat' };
const GRACE = { personId: 'staff-006', aad: '00000000-0000-0000-0000-00000000g006', name: 'Grace Liu', chat: 'a:grace-chat' };
const DAY = 86_400_000;
const log = createLogger({ level: 'silent' });
const config = loadConfig({ env: { LOG_LEVEL: 'silent' } });

function from(who: typeof SAM) {
  return { id: `29:${who.personId}`, name: who.name, aadObjectId: who.aad };
}

function invoke(who: typeof SAM, data: Record<string, unknown>) {
  return makeActivity({ type: 'invoke', name: 'adaptiveCard/action', deliveryMode: undefined, serviceUrl: connector.url, from: from(who), value: { action: { type: 'Action.Execute', verb: 'records.filterCheck', data }, trigger: 'manual' } });
}

async function press(who: typeof SAM, data: Record<string, unknown>): Promise<string> {
  const res = await postActivity(lantern.url, invoke(who, { schoolId: 'northgate', ...data }));
  expect(res.status).toBe(200);
  return JSON.stringify((res.body as { value: unknown }).value);
}

const remindersTo = (chat: string) => connector.deliveries.filter((d) => d.conversationId === chat && String(d.activity.text ?? '').includes('training runs out'));

beforeAll(async () => {
  connector = await startFakeBotConnector();
  lantern = await startTestLantern();
  for (const p of [SAM, GRACE]) await lantern.models.people.updateOne({ schoolId: 'northgate', personId: p.personId }, { $set: { aadObjectId: p.aad } });
  const install = makeInstall({ deliveryMode: undefined, serviceUrl: connector.url, from: from(SAM), conversation: { id: SAM.chat, conversationType: 'personal', tenantId: TENANT } });
  expect((await postActivity(lantern.url, install)).status).toBeLessThan(300);
}, 60_000);
afterAll(async () => {
  await lantern?.close();
  await connector?.close();
});

describe('"filter check" in Teams', () => {
  it('shows the IT manager the form with the last check, and logs the check pressed on it', async () => {
    const res = await postActivity(lantern.url, makeMessage('filter check', { from: from(SAM) }));
    const card = JSON.stringify(repliedCards(res.body)[0]);
    expect(card).toContain('Log a filter check');
    expect(card).toContain('records.filterCheck');
    // The demo school's seeded checks: the last one is named.
    expect(card).toContain('by Sam Whitfield (pass)');

    const before = await lantern.models.filterChecks.countDocuments({ schoolId: 'northgate' });
    const done = await press(SAM, { tested: 'A proxy-avoidance site from a Year 6 iPad', result: 'fail', note: 'Reported to the filter provider' });
    expect(done).toContain('Filter check logged');
    expect(done).toContain('A proxy-avoidance site from a Year 6 iPad');
    expect(done).toContain('The next check is due by');
    const stored = await lantern.models.filterChecks.findOne({ schoolId: 'northgate' }).sort({ checkedAt: -1 }).lean();
    expect(stored).toMatchObject({ checkedBy: 'Sam Whitfield', result: 'fail', via: 'teams', note: 'Reported to the filter provider' });
    expect(await lantern.models.filterChecks.countDocuments({ schoolId: 'northgate' })).toBe(before + 1);
  });

  it('refuses a teacher who is not a named filter checker, and a press without a result', async () => {
    const before = await lantern.models.filterChecks.countDocuments({ schoolId: 'northgate' });
    const form = await postActivity(lantern.url, makeMessage('filter check'));
    expect(JSON.stringify(repliedCards(form.body)[0])).toContain('records.filterCheckers');
    expect(await press(GRACE, { tested: 'Anything', result: 'pass' })).toContain('records.filterCheckers');
    expect(await press(SAM, { tested: 'A gambling site' })).toContain('The result must be pass or fail');
    expect(await lantern.models.filterChecks.countDocuments({ schoolId: 'northgate' })).toBe(before);
  });

  it('shows a tested text as it was typed, never as card markup', async () => {
    const done = await press(SAM, { tested: '**bold** [link](https://evil.example) ${secret}', result: 'pass' });
    expect(done).not.toContain('[link](https://evil.example)');
    expect(done).not.toContain('**bold**');
  });
});

describe('training reminders', () => {
  it('reminds in Teams once per reminder day before the training runs out, and notes who cannot be reached', async () => {
    const school = config.schools[0] as School;
    const { trainingReminders } = teamsEdgeFor(config, lantern.models);
    // The demo seed's refresher for Sam was 350 days ago: it runs out in about 15 days (the 30-day reminder).
    await lantern.models.trainingRecords.create({ schoolId: 'northgate', personId: GRACE.personId, personName: GRACE.name, kind: 'online-safety', completedOn: new Date(Date.now() - 360 * DAY), expiresOn: new Date(Date.now() + 5 * DAY), provider: 'Test', recordedBy: 'test', recordedAt: new Date() });
    const first = await sendTrainingReminders(lantern.models, school, trainingReminders, new Date(), log);
    expect(first).toEqual({ sent: 1, notInstalled: 1 });
    expect(remindersTo(SAM.chat)).toHaveLength(1);
    expect(String(remindersTo(SAM.chat)[0]?.activity.text)).toContain('Your online-safety refresher training runs out on');
    expect(await lantern.models.trainingReminders.findOne({ recordId: { $exists: true }, outcome: 'not-installed' }).lean()).toMatchObject({ daysBefore: 7 });

    // The next day's run sends nothing new; eight days later the 7-day reminder goes.
    expect(await sendTrainingReminders(lantern.models, school, trainingReminders, new Date(Date.now() + DAY), log)).toEqual({ sent: 0, notInstalled: 0 });
    expect(remindersTo(SAM.chat)).toHaveLength(1);
    const seed = await lantern.models.trainingRecords.findOne({ personId: SAM.personId }).lean();
    const weekBefore = new Date((seed?.expiresOn as Date).getTime() - 6 * DAY);
    expect(await sendTrainingReminders(lantern.models, school, trainingReminders, weekBefore, log)).toMatchObject({ sent: 1 });
    expect(remindersTo(SAM.chat)).toHaveLength(2);
  });

  it('the records.training-reminders job is scheduled for every school', async () => {
    const { lanternSchedules } = await import('../../src/server/jobs.js');
    expect(lanternSchedules(config).filter((s) => s.jobName === 'records.training-reminders').map((s) => s.schoolId)).toEqual(['northgate']);
  });
});
