import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCommand } from '../../src/cases/act.js';
import { runEscalation } from '../../src/cases/escalation.js';
import { ESCALATE_JOB, scheduleEscalation } from '../../src/cases/escalation-queue.js';
import { caseJobHandlers } from '../../src/cases/jobs.js';
import { openCase } from '../../src/cases/open.js';
import { teamsEdgeFor } from '../support/teams.js';
import { loadConfig } from '../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { readDirectorySource, syncDirectory } from '../../src/directory/sync.js';
import { JobRunner } from '../../src/jobs/index.js';
import { createLogger } from '../../src/log/logger.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { startConnectorStandIn, type ConnectorStandIn } from './connector-stand-in.js';
import { fakeClock, makeCaseInput, RUTH } from './fixtures.js';
import { startGmailStandIn, type GmailStandIn } from '../digest/stand-ins.js';

const MARK_AAD = '00000000-0000-0000-0000-00000000a002';
const TOM_AAD = '00000000-0000-0000-0000-00000000a007';
const config = loadConfig({ env: {}, cwd: '/tmp' });
const school = config.schools[0]!;
const logger = createLogger({ level: 'silent' });
let conn: Connection;
let models: Models;
let connector: ConnectorStandIn;

beforeAll(async () => {
  conn = await connectTestDatabase('casesesc');
  models = createModels(conn);
  await ensureIndexes(models);
  await syncDirectory(models.people, school.id, await readDirectorySource(school));
  await models.people.updateOne({ schoolId: school.id, email: 'm.hughes@northgate.example' }, { $set: { aadObjectId: MARK_AAD } });
  connector = await startConnectorStandIn();
  const base = { serviceUrl: connector.url, channelId: 'msteams', agent: { id: '28:lantern-bot', name: 'Lantern' } };
  await models.conversationRefs.create({ conversationId: '19:general@thread.tacv2', scope: 'channel', schoolId: school.id, reference: { ...base, conversation: { id: '19:general@thread.tacv2' } } });
  await models.people.updateOne({ schoolId: school.id, email: 't.ashworth@northgate.example' }, { $set: { aadObjectId: TOM_AAD } });
  await models.conversationRefs.create({ conversationId: 'a:tom-personal', scope: 'personal', schoolId: school.id, aadObjectId: TOM_AAD, reference: { ...base, conversation: { id: 'a:tom-personal' } } });
  await models.conversationRefs.create({ conversationId: 'a:mark-personal', scope: 'personal', schoolId: school.id, aadObjectId: MARK_AAD, reference: { ...base, conversation: { id: 'a:mark-personal' } } });
});
afterAll(async () => {
  await dropTestDatabase(conn);
  await connector.close();
});

const toMark = () => connector.calls.filter((c) => c.method === 'POST' && c.path.includes('a:mark-personal'));
const mentions = () => connector.calls.filter((c) => c.method === 'POST' && String(c.body.text ?? '').includes('<at>Mark Hughes</at>'));

describe('escalation to the deputy DSL', () => {
  it('escalates an unacknowledged high case after the configured time, once, and leaves acknowledged ones alone', async () => {
    const clock = fakeClock(new Date('2026-03-10T09:00:00Z'));
    const runner = new JobRunner({ models, handlers: caseJobHandlers({ config, models, logger, clock, caseNotifier: teamsEdgeFor(config, models, { logger, clock }).caseNotifier }), clock, logger, instanceId: 'test' });
    const slow = await openCase(models, school, makeCaseInput({ severity: 'high' }), clock());
    const quick = await openCase(models, school, makeCaseInput({ severity: 'critical' }), clock());
    const low = await openCase(models, school, makeCaseInput({ severity: 'medium' }), clock());
    for (const c of [slow, quick, low]) {
      await scheduleEscalation(models, { schoolId: school.id, caseId: c.caseId, severity: c.state.severity, openedAt: clock(), afterMinutes: 30 }, logger);
    }
    // Enqueueing again is idempotent.
    await scheduleEscalation(models, { schoolId: school.id, caseId: slow.caseId, severity: 'high', openedAt: clock(), afterMinutes: 30 }, logger);
    expect(await models.jobs.countDocuments({ name: ESCALATE_JOB })).toBe(2);

    clock.advance(10 * 60_000);
    expect((await applyCommand(models, school.id, quick.caseId, RUTH, { kind: 'acknowledge' }, clock)).ok).toBe(true);
    clock.advance(19 * 60_000);
    expect((await runner.runDue()).done).toBe(0);
    clock.advance(2 * 60_000);
    expect((await runner.runDue()).done).toBe(2);

    expect(toMark()).toHaveLength(1);
    expect(JSON.stringify(toMark()[0]?.body)).toContain('has not been acknowledged');
    expect(mentions()).toHaveLength(1);
    expect((mentions()[0]?.body.entities as { mentioned: { id: string } }[])[0]?.mentioned.id).toBe(MARK_AAD);
    const escalated = await models.caseTimeline.find({ action: 'escalation-told' }).lean();
    expect(escalated.map((e) => e.caseId)).toEqual([slow.caseId]);
    expect(escalated[0]?.note).toBe('Told Mark Hughes (deputy DSL) by Teams chat and a mention in the DSL channel.');
    expect((await models.cases.findOne({ caseId: slow.caseId }).lean())?.escalatedToDeputyAt?.toISOString()).toBe('2026-03-10T09:31:00.000Z');
    // The demo ladder's next rung (the head teacher) is due a step later; acknowledging stops it.
    expect(await models.jobs.countDocuments({ name: ESCALATE_JOB, 'data.caseId': slow.caseId, 'data.rung': 1 })).toBe(1);
    expect((await applyCommand(models, school.id, slow.caseId, RUTH, { kind: 'acknowledge' }, clock)).ok).toBe(true);
  });

  it('records a rung only as told or failed, retries, falls back up the ladder and stops when someone acknowledges', async () => {
    const clock = fakeClock(new Date('2026-03-12T09:00:00Z'));
    const laddered = { ...school, cases: { escalationLadder: [{ email: 'h.carter@northgate.example', role: 'head teacher' }, { email: 't.ashworth@northgate.example', role: 'out-of-hours contact' }], escalationStepMinutes: 15 } as never };
    const cfg = { ...config, schools: [laddered] };
    const runner = new JobRunner({ models, handlers: caseJobHandlers({ config: cfg, models, logger, clock, caseNotifier: teamsEdgeFor(cfg, models, { logger, clock }).caseNotifier }), clock, logger, instanceId: 'test-ladder' });
    const c = await openCase(models, laddered, makeCaseInput({ severity: 'critical' }), clock());
    await scheduleEscalation(models, { schoolId: school.id, caseId: c.caseId, severity: 'critical', openedAt: clock(), afterMinutes: 30 }, logger);
    const toTom = () => connector.calls.filter((call) => call.method === 'POST' && call.path.includes('a:tom-personal'));
    const actions = async () => (await models.caseTimeline.find({ caseId: c.caseId }).sort({ seq: 1 }).lean()).map((e) => e.action).slice(1);

    clock.advance(31 * 60_000);
    await runner.runDue(); // the deputy is reached
    expect(await actions()).toEqual(['escalation-told']);
    clock.advance(16 * 60_000);
    await runner.runDue(); // the head has no chat with Lantern: failed, not told
    expect(await actions()).toEqual(['escalation-told', 'escalation-failed']);
    for (let i = 0; i < 2; i++) {
      clock.advance(6 * 60_000);
      await runner.runDue(); // tried again, twice; after the third failure, straight on to the out-of-hours contact
    }
    expect((await actions()).filter((a) => a === 'escalation-failed')).toHaveLength(3);
    expect((await actions()).at(-1)).toBe('escalation-told');
    expect(toTom()).toHaveLength(1);
    expect(JSON.stringify(toTom()[0]?.body)).toContain('case.escalation.acknowledge');
    const doc = await models.cases.findOne({ caseId: c.caseId }).lean();
    expect((doc?.escalations as { email: string; role: string }[]).map((e) => [e.email, e.role])).toEqual([['m.hughes@northgate.example', 'deputy DSL'], ['t.ashworth@northgate.example', 'out-of-hours contact']]);
    expect(JSON.stringify(connector.cards().at(-1))).toContain('Told Tom Ashworth (out-of-hours contact) by Teams chat.');

    // Someone acknowledges: nothing further happens, however long it stays open.
    expect((await applyCommand(models, school.id, c.caseId, { email: 't.ashworth@northgate.example', name: 'Tom Ashworth' }, { kind: 'acknowledge' }, clock)).ok).toBe(true);
    const deps = { config: cfg, stores: models, notifier: teamsEdgeFor(cfg, models, { logger, clock }).caseNotifier, logger, clock };
    expect(await runEscalation({ schoolId: school.id, caseId: c.caseId, rung: 2 }, deps)).toEqual({ skipped: 'acknowledged in time' });
  });

  it('does not escalate a case a member of the DSL team opened', async () => {
    const clock = fakeClock(new Date('2026-03-13T09:00:00Z'));
    const c = await openCase(models, school, makeCaseInput({ severity: 'high', by: RUTH, reporter: RUTH }), clock());
    clock.advance(31 * 60_000);
    const deps = { config, stores: models, notifier: teamsEdgeFor(config, models, { logger, clock }).caseNotifier, logger, clock };
    const before = toMark().length;
    expect(await runEscalation({ schoolId: school.id, caseId: c.caseId }, deps)).toEqual({ skipped: 'opened by the DSL team' });
    expect(toMark().length).toBe(before);
  });

  it('emails a rung that asks for email: a failed send is recorded and retried, a sent one recorded as told by email', async () => {
    const gmail: GmailStandIn = await startGmailStandIn();
    try {
      const clock = fakeClock(new Date('2026-03-14T09:00:00Z'));
      const laddered = { ...school, cases: { ...school.cases, escalationLadder: [{ email: 'h.carter@northgate.example', role: 'head teacher', by: 'email' }] } as never };
      const cfg = { ...config, schools: [laddered], mail: { ...config.mail, google: { serviceAccountKeyFile: gmail.keyFile, apiUrl: gmail.url, tokenUrl: gmail.tokenUrl } } } as typeof config;
      const c = await openCase(models, laddered, makeCaseInput({ severity: 'critical', summary: 'A pupil was sent threatening messages.' }), clock());
      const deps = { config: cfg, stores: models, notifier: teamsEdgeFor(cfg, models, { logger, clock }).caseNotifier, logger, clock };
      const before = connector.calls.length;
      gmail.failNextSend = 503;
      expect(await runEscalation({ schoolId: school.id, caseId: c.caseId, rung: 1, attempt: 0 }, deps)).toEqual({ failed: 1, attempt: 0 });
      const failed = await models.caseTimeline.findOne({ caseId: c.caseId, action: 'escalation-failed' }).lean();
      expect(failed?.note).toBe('Could not reach Helen Carter (head teacher): the email could not be sent (try 1 of 3).');
      expect(await models.jobs.countDocuments({ name: ESCALATE_JOB, key: `${school.id}:${c.caseId}:1:1` })).toBe(1);

      expect(await runEscalation({ schoolId: school.id, caseId: c.caseId, rung: 1, attempt: 1 }, deps)).toEqual({ told: 1, personal: false, channel: false });
      const told = await models.caseTimeline.findOne({ caseId: c.caseId, action: 'escalation-told' }).lean();
      expect(told?.note).toBe('Told Helen Carter (head teacher) by email.');
      expect(gmail.received).toHaveLength(1);
      const mail = gmail.received[0]!;
      expect(mail.sender).toBe('lantern@northgate.example');
      expect(mail.parsed.to && 'text' in mail.parsed.to ? mail.parsed.to.text : '').toBe('h.carter@northgate.example');
      expect(mail.parsed.subject).toBe(`Escalation: case ${c.number} (critical) has not been acknowledged`);
      expect(mail.parsed.text).not.toContain('threatening');
      // An email-only rung sends nothing through Teams.
      expect(connector.calls.slice(before).filter((call) => call.method === 'POST' && !call.path.includes('19:demo-dsl-channel'))).toEqual([]);
    } finally {
      await gmail.close();
    }
  });
});
