import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBotConnector, type FakeBotConnector } from '../../src/bench/fake-bot-connector.js';
import { loadConfig, type School } from '../../src/config/load.js';
import { ParentsSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/log/logger.js';
import { createGmailTransport } from '../../src/mail/gmail.js';
import { appendConsent } from '../../src/parents/consents.js';
import { sendWithdrawalNotices, type WithdrawalNoticeChannels } from '../../src/parents/withdrawal-notices.js';
import { makeInstall, postActivity } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { teamsEdgeFor } from '../support/teams.js';
import { startGmailStandIn, type GmailStandIn } from '../digest/stand-ins.js';

// A parent withdraws consent: the class teacher hears in Teams (the real endpoint, SDK and proactive sender, to a
// fake Bot Connector) and the office by email (the real Gmail transport, to a stand-in), each exactly once.
let lantern: TestLantern;
let connector: FakeBotConnector;
let gmail: GmailStandIn;
let school: School;
let channels: WithdrawalNoticeChannels;
const SCHOOL = 'northgate';
// Demo directory: pupil-012 is in Robins, whose class teacher is Alex Wilber (staff-005).
const TEACHER = { personId: 'staff-005', aad: '00000000-0000-0000-0000-00000000a005', name: 'Alex Wilber', chat: 'a:alex-chat' };
const PUPIL = 'pupil-012';
const TENANT = '00000000-0000-0000-0000-0000000000001';
const log = createLogger({ level: 'silent' });

const noticesToTeacher = () => connector.deliveries.filter((d) => d.conversationId === TEACHER.chat && String(d.activity.text ?? '').includes('withdrew consent'));

async function withdraw(kind: 'photos' | 'internet', at: Date): Promise<void> {
  const base = { schoolId: SCHOOL, pupilId: PUPIL, kind, parentId: 'parent-012', typedName: 'Pat Parent', tokenHash: 'h' };
  await appendConsent(lantern.models, { ...base, decision: 'given' }, new Date(at.getTime() - 86_400_000 * 30));
  await appendConsent(lantern.models, { ...base, decision: 'withdrawn' }, at);
}

beforeAll(async () => {
  connector = await startFakeBotConnector();
  gmail = await startGmailStandIn();
  lantern = await startTestLantern();
  const config = loadConfig({ env: { LOG_LEVEL: 'silent' } });
  const demo = config.schools.find((s) => s.id === SCHOOL) as School;
  school = { ...demo, parents: ParentsSchema.parse({ sender: 'office@northgate.example', officeEmail: 'office@northgate.example' }) };
  channels = { teams: teamsEdgeFor(config, lantern.models).withdrawalNotices, mail: createGmailTransport({ keyFile: gmail.keyFile, apiUrl: gmail.url, tokenUrl: gmail.tokenUrl }) };
  await lantern.models.people.updateOne({ schoolId: SCHOOL, personId: TEACHER.personId }, { $set: { aadObjectId: TEACHER.aad } });
  const from = { id: `29:${TEACHER.personId}`, name: TEACHER.name, aadObjectId: TEACHER.aad };
  const install = makeInstall({ deliveryMode: undefined, serviceUrl: connector.url, from, conversation: { id: TEACHER.chat, conversationType: 'personal', tenantId: TENANT } });
  expect((await postActivity(lantern.url, install)).status).toBeLessThan(300);
}, 60_000);

afterAll(async () => {
  await lantern?.close();
  await connector?.close();
  await gmail?.close();
});

describe('withdrawal notices', () => {
  it('tells the class teacher and the office the same day, exactly once, and retries a failed email', async () => {
    const now = new Date();
    await withdraw('photos', new Date(now.getTime() - 5 * 60_000));
    expect(await sendWithdrawalNotices(lantern.models, school, channels, now, log)).toEqual({ teachers: 1, notInstalled: 0, office: 1, failed: 0 });
    expect(noticesToTeacher()).toHaveLength(1);
    expect(String(noticesToTeacher()[0]?.activity.text)).toContain('Withdrawn: Photos on the school website');
    expect(gmail.received).toHaveLength(1);
    expect(gmail.received[0]?.parsed.subject).toMatch(/^Consent withdrawn for .+ \(Robins\)$/);
    expect(gmail.received[0]?.parsed.text).toContain('Withdrawn: Photos on the school website');

    // A second run (or a second instance) sends nothing again.
    expect(await sendWithdrawalNotices(lantern.models, school, channels, new Date(now.getTime() + 10 * 60_000), log)).toEqual({ teachers: 0, notInstalled: 0, office: 0, failed: 0 });
    expect(noticesToTeacher()).toHaveLength(1);
    expect(gmail.received).toHaveLength(1);

    // The office email fails once: the teacher is still told, and the next run sends the email.
    await withdraw('internet', now);
    gmail.failNextSend = 503;
    expect(await sendWithdrawalNotices(lantern.models, school, channels, now, log)).toMatchObject({ teachers: 1, office: 0, failed: 1 });
    expect(await sendWithdrawalNotices(lantern.models, school, channels, new Date(now.getTime() + 10 * 60_000), log)).toMatchObject({ teachers: 0, office: 1, failed: 0 });
    expect(noticesToTeacher()).toHaveLength(2);
    expect(gmail.received).toHaveLength(2);
    expect(await lantern.models.parentWithdrawalNotices.countDocuments({ schoolId: SCHOOL, status: 'sent' })).toBe(4);
  });
});
