import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyCommand } from '../../src/cases/act.js';
import { runBreachNotices } from '../../src/cases/breach-notify.js';
import { caseJobHandlers, caseSchedules } from '../../src/cases/jobs.js';
import { openCase } from '../../src/cases/open.js';
import { loadCase } from '../../src/cases/store.js';
import { runCli } from '../../src/cli/main.js';
import { loadConfig, type LanternConfig, type School } from '../../src/config/load.js';
import { demoFileConfig } from '../../src/config/demo.js';
import { FileConfigSchema } from '../../src/config/schema.js';
import { connectDatabase } from '../../src/db/connect.js';
import { readDirectorySource, syncDirectory } from '../../src/directory/sync.js';
import { createLogger } from '../../src/log/logger.js';
import { createGmailTransport } from '../../src/mail/gmail.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { testMongoUri } from '../support/db.js';
import { teamsEdgeFor } from '../support/teams.js';
import { startGmailStandIn, type GmailStandIn } from '../digest/stand-ins.js';
import { fakeClock, makeCaseInput, RUTH } from './fixtures.js';

const HOUR = 3_600_000;
const uri = `${testMongoUri()}breach_${randomUUID().slice(0, 8)}`;
const DPO = { name: 'Priya Shah', email: 'dpo@trust.example', sender: 'lantern@northgate.example' };
let conn: Connection;
let models: Models;
let gmail: GmailStandIn;
let config: LanternConfig;
let school: School;

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: { MONGODB_URI: uri, LOG_LEVEL: 'silent', LANTERN_CONFIG: configFile }, cwd: os.tmpdir() });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
let configFile = '';

/** The DPO emails about one case (others in the database have clocks of their own). */
function mailsAbout(number: string) {
  return gmail.received.filter((m) => m.parsed.subject?.includes(number));
}

function deps(clock: () => Date) {
  const transport = createGmailTransport({ keyFile: gmail.keyFile, apiUrl: gmail.url, tokenUrl: gmail.tokenUrl });
  return { config, stores: models, notifier: teamsEdgeFor(config, models).caseNotifier, logger: createLogger({ level: 'silent' }), clock, mailFor: () => transport };
}

beforeAll(async () => {
  gmail = await startGmailStandIn();
  const file = demoFileConfig();
  const fileConfig = { ...file, server: { ...file.server, publicUrl: 'https://lantern.northgate.example' }, schools: file.schools.map((s) => ({ ...s, dpo: DPO })) };
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const path = await import('node:path');
  configFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'lantern-breach-')), 'lantern.config.json');
  writeFileSync(configFile, JSON.stringify(fileConfig));
  config = loadConfig({ env: { LANTERN_CONFIG: configFile }, cwd: os.tmpdir() });
  school = config.schools[0] as School;
  conn = await connectDatabase(uri);
  models = createModels(conn);
  await ensureIndexes(models);
  await syncDirectory(models.people, school.id, await readDirectorySource(school));
});
afterAll(async () => {
  await gmail.close();
  await conn.dropDatabase();
  await conn.close();
});
beforeEach(() => {
  gmail.received.length = 0;
});

describe('possible personal-data breach', () => {
  it('the DSL team starts the 72-hour clock by hand, recorded with who and why; a second press is refused', async () => {
    const clock = fakeClock(new Date('2026-05-01T10:00:00Z'));
    const { caseId } = await openCase(models, school, makeCaseInput(), clock());
    const flagged = await applyCommand(models, school.id, caseId, RUTH, { kind: 'possible-breach', reason: 'Class list emailed to a parent by mistake' }, clock);
    expect(flagged.ok).toBe(true);
    const loaded = await loadCase(models, school.id, caseId);
    expect(loaded?.state.dpoDeadline?.toISOString()).toBe('2026-05-04T10:00:00.000Z');
    expect(loaded?.state.breachHow).toBe('manual');
    expect(loaded?.timeline.at(-1)).toMatchObject({ action: 'breach-flagged', by: { email: RUTH.email }, note: 'Class list emailed to a parent by mistake' });
    const again = await applyCommand(models, school.id, caseId, RUTH, { kind: 'possible-breach', reason: 'again' }, clock);
    expect(again).toMatchObject({ ok: false, reason: expect.stringContaining('already running') });
  });

  it('emails the DPO once when the clock starts, then at 48 h and 66 h, exactly once each with two instances', async () => {
    const clock = fakeClock(new Date('2026-06-01T08:00:00Z'));
    const { caseId, number } = await openCase(models, school, makeCaseInput({ summary: 'Secret detail about Ava that must not leave Lantern' }), clock());
    await applyCommand(models, school.id, caseId, RUTH, { kind: 'possible-breach', reason: 'Spreadsheet of pupils sent to a personal Gmail' }, clock);
    // Two instances run the job at the same moment.
    await Promise.all([runBreachNotices(deps(clock)), runBreachNotices(deps(clock))]);
    expect(mailsAbout(number)).toHaveLength(1);
    const first = mailsAbout(number)[0]!.parsed;
    expect(first.to && 'text' in first.to ? first.to.text : '').toBe('dpo@trust.example');
    expect(first.subject).toContain(number);
    expect(first.text).toContain('Contact — harmful contact with others');
    expect(first.text).toContain('4 Jun 2026, 09:00');
    expect(first.text).not.toMatch(/Secret detail|Spreadsheet|Gmail|Ava/);
    await runBreachNotices(deps(clock));
    expect(mailsAbout(number)).toHaveLength(1);
    clock.advance(47 * HOUR);
    await runBreachNotices(deps(clock));
    expect(mailsAbout(number)).toHaveLength(1);
    clock.advance(1 * HOUR);
    await Promise.all([runBreachNotices(deps(clock)), runBreachNotices(deps(clock))]);
    expect(mailsAbout(number)).toHaveLength(2);
    expect(mailsAbout(number)[1]!.parsed.subject).toMatch(/^Reminder: /);
    expect(mailsAbout(number)[1]!.parsed.text).toContain('24 hours are left');
    clock.advance(18 * HOUR);
    await Promise.all([runBreachNotices(deps(clock)), runBreachNotices(deps(clock))]);
    await runBreachNotices(deps(clock));
    expect(mailsAbout(number)).toHaveLength(3);
    expect(mailsAbout(number)[2]!.parsed.text).toContain('6 hours are left');
    const told = (await loadCase(models, school.id, caseId))?.timeline.filter((e) => e.action === 'dpo-told').map((e) => e.note);
    expect(told).toEqual([
      'Emailed the data protection officer (Priya Shah): the first notice.',
      'Emailed the data protection officer (Priya Shah): the 48-hour reminder.',
      'Emailed the data protection officer (Priya Shah): the 66-hour reminder.',
    ]);
  });

  it('a detection that started the clock is notified too; a failed send is tried again; a decided breach is not reminded', async () => {
    const clock = fakeClock(new Date('2026-07-01T08:00:00Z'));
    const { caseId, number } = await openCase(models, school, makeCaseInput({ source: 'detection', by: { email: 'lantern@system', name: 'Lantern' }, reporter: null, dpoDeadline: new Date(clock().getTime() + 72 * HOUR) }), clock());
    gmail.failNextSend = 503;
    await runBreachNotices(deps(clock));
    expect(mailsAbout(number)).toHaveLength(0);
    await runBreachNotices(deps(clock));
    expect(mailsAbout(number)).toHaveLength(1);
    expect(mailsAbout(number)[0]!.parsed.text).toContain('spotted by Lantern monitoring');
    await applyCommand(models, school.id, caseId, RUTH, { kind: 'breach-decision', decision: { reported: false, reason: 'the address was the parent’s own, and the data was deleted unread' } }, clock);
    clock.advance(50 * HOUR);
    await runBreachNotices(deps(clock));
    expect(mailsAbout(number)).toHaveLength(1);
  });

  it('a "do not view" case stores and shows no link or file name in the decision', async () => {
    const clock = fakeClock(new Date('2026-08-01T08:00:00Z'));
    const { caseId } = await openCase(models, school, makeCaseInput({ doNotView: true }), clock());
    await applyCommand(models, school.id, caseId, RUTH, { kind: 'possible-breach', reason: 'Copy of IMG_2231.jpg went to https://bit.ly/3xYz' }, clock);
    await applyCommand(models, school.id, caseId, RUTH, { kind: 'breach-decision', decision: { reported: false, reason: 'police hold IMG_2231.jpg, see https://bit.ly/3xYz' } }, clock);
    const stored = JSON.stringify(await models.caseTimeline.find({ caseId }).lean()) + JSON.stringify(await models.cases.findOne({ caseId }).lean());
    expect(stored).not.toMatch(/IMG_2231|bit\.ly/);
  });

  it('the notice job is composed and scheduled', () => {
    expect(Object.keys(caseJobHandlers({ config, models, logger: createLogger({ level: 'silent' }), clock: () => new Date(), caseNotifier: teamsEdgeFor(config, models).caseNotifier }))).toContain('cases.breach-notices');
    expect(caseSchedules().map((s) => s.jobName)).toContain('cases.breach-notices');
  });
});

describe('schools[].dpo', () => {
  it('takes a name, email and optional Entra id, and names the key when no mailbox can send', () => {
    const file = demoFileConfig();
    // Without digest.sender, the DPO emails need a mailbox of their own.
    const withDpo = (dpo: Record<string, unknown>) => FileConfigSchema.safeParse({ ...file, schools: file.schools.map(({ digest: _digest, ...s }) => ({ ...s, dpo })) });
    expect(withDpo({ ...DPO, aadObjectId: '72f988bf-86f1-41af-91ab-2d7cd011db47' }).success).toBe(true);
    const noSender = withDpo({ name: 'Priya Shah', email: 'dpo@trust.example' });
    expect(noSender.success).toBe(false);
    expect(noSender.error?.issues[0]).toMatchObject({ path: ['schools', 0, 'dpo', 'sender'], message: expect.stringContaining('set dpo.sender') });
    expect(withDpo({ name: 'Priya Shah', email: 'not an email', sender: DPO.sender }).success).toBe(false);
  });
});

describe('lantern cases breach-decision and breaches', () => {
  it('records reported / not reported on the timeline and lists the register, DSL only, with an inclusive --to', async () => {
    const a = await openCase(models, school, makeCaseInput(), new Date('2026-09-02T09:00:00Z'));
    await applyCommand(models, school.id, a.caseId, RUTH, { kind: 'possible-breach', reason: 'Pupil list shared to a personal address' }, () => new Date('2026-09-02T09:00:00Z'));
    const b = await openCase(models, school, makeCaseInput(), new Date('2026-09-03T15:00:00Z'));
    await applyCommand(models, school.id, b.caseId, RUTH, { kind: 'possible-breach', reason: 'Report card sent to the wrong parent' }, () => new Date('2026-09-03T15:00:00Z'));

    expect((await cli('cases', 'breach-decision', a.number, '--reported', '--ico-ref', 'ICO/123', '--by', DPO.email)).code).toBe(2);
    expect(await cli('cases', 'breach-decision', a.number, '--reported', '--ico-ref', 'ICO/123', '--date', '2026-09-03', '--by', 'a.wilber@northgate.example')).toMatchObject({ code: 2, err: expect.stringContaining('neither') });
    expect(await cli('cases', 'breach-decision', a.number, '--reported', '--ico-ref', 'ICO/123', '--date', '2026-09-03', '--by', DPO.email)).toMatchObject({ code: 0, out: expect.stringContaining('reference ICO/123') });
    expect(await cli('cases', 'breach-decision', a.number, '--not-reported', '--reason', 'x', '--by', DPO.email)).toMatchObject({ code: 1, err: expect.stringContaining('already recorded') });
    expect((await cli('cases', 'breach-decision', b.number, '--not-reported', '--reason', 'the parent deleted it and confirmed in writing', '--by', RUTH.email)).code).toBe(0);
    const decided = await loadCase(models, school.id, a.caseId);
    expect(decided?.timeline.at(-1)).toMatchObject({ action: 'breach-decided', by: { email: DPO.email, name: DPO.name } });

    expect(await cli('cases', 'breaches', '--as', 'a.wilber@northgate.example')).toMatchObject({ code: 2 });
    const csv = await cli('cases', 'breaches', '--as', RUTH.email, '--from', '2026-09-01', '--to', '2026-09-03', '--csv');
    expect(csv.code).toBe(0);
    const lines = csv.out.split('\r\n');
    expect(lines[0]).toBe('"Case","Opened","How detected","Clock started","Deadline (72 hours)","DPO told","Decision","Reported to the ICO on","ICO reference"');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`"${a.number}"`);
    expect(lines[1]).toContain('"Marked by the DSL team"');
    expect(lines[1]).toContain('"2026-09-03","ICO/123"');
    expect(lines[2]).toContain('"Not reported, because the parent deleted it and confirmed in writing"');
    expect(lines.join('\n')).not.toMatch(/Pupil list|Report card/);
    const only = await cli('cases', 'breaches', '--as', RUTH.email, '--from', '2026-09-02', '--to', '2026-09-02');
    expect(only.out.split('\n')).toHaveLength(1);
    expect(await models.caseAccessLog.countDocuments({ what: { $regex: '^breach register' } })).toBe(2);
  });
});
