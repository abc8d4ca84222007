import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyChange, applyCommand } from '../../src/cases/act.js';
import { runEscalation } from '../../src/cases/escalation.js';
import { ESCALATE_JOB, scheduleEscalation } from '../../src/cases/escalation-queue.js';
import { caseJobHandlers } from '../../src/cases/jobs.js';
import { openCase } from '../../src/cases/open.js';
import { teamsEdgeFor } from '../support/teams.js';
import { LANTERN_ACTOR } from '../../src/cases/timeline-model.js';
import { loadConfig } from '../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { readDirectorySource, syncDirectory } from '../../src/directory/sync.js';
import { JobRunner } from '../../src/jobs/index.js';
import { createLogger } from '../../src/log/logger.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { startConnectorStandIn, type ConnectorStandIn } from './connector-stand-in.js';
import { fakeClock, makeCaseInput, RUTH } from './fixtures.js';

const MARK_AAD = '00000000-0000-0000-0000-00000000a002';
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
    const escalated = await models.caseTimeline.find({ action: 'escalated-to-deputy' }).lean();
    expect(escalated.map((e) => e.caseId)).toEqual([slow.caseId]);
    expect((await models.cases.findOne({ caseId: slow.caseId }).lean())?.escalatedToDeputyAt?.toISOString()).toBe('2026-03-10T09:31:00.000Z');
  });

  it('finishes an escalation cut short by a restart without repeating it', async () => {
    const clock = fakeClock(new Date('2026-03-11T09:00:00Z'));
    const c = await openCase(models, school, makeCaseInput({ severity: 'high' }), clock());
    clock.advance(31 * 60_000);
    // A previous run recorded the escalation and died before telling anyone.
    await applyChange(models, school.id, c.caseId, LANTERN_ACTOR, () => ({ ok: true, action: 'escalated-to-deputy', after: { escalatedToDeputyAt: clock() }, note: null }), clock);
    const before = toMark().length;
    const deps = { config, stores: models, notifier: teamsEdgeFor(config, models, { logger, clock }).caseNotifier, logger, clock };
    expect(await runEscalation({ schoolId: school.id, caseId: c.caseId }, deps)).toMatchObject({ escalated: true, personal: true, channel: true });
    expect(await runEscalation({ schoolId: school.id, caseId: c.caseId }, deps)).toEqual({ skipped: 'deputy already told' });
    expect(toMark().length - before).toBe(1);
    expect(await models.caseTimeline.countDocuments({ caseId: c.caseId, action: 'escalated-to-deputy' })).toBe(1);
  });
});
