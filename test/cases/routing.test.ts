import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrJoinFromDetection, type DetectionInput } from '../../src/cases/detection.js';
import { loadRoutes, routeDetection } from '../../src/cases/routing.js';
import { sendItMatterToDsl } from '../../src/cases/send-to-dsl.js';
import { loadConfig, type School } from '../../src/config/load.js';
import { readDirectorySource, syncDirectory } from '../../src/directory/sync.js';
import { createLogger } from '../../src/log/logger.js';
import { changeRoute } from '../../src/monitoring/changes.js';
import { DEFAULT_ROUTES } from '../../src/monitoring/routes.js';
import { recordChange } from '../../src/monitoring/settings-store.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { teamsEdgeFor } from '../support/teams.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { startConnectorStandIn, type ConnectorStandIn } from './connector-stand-in.js';
import { fakeClock, RUTH } from './fixtures.js';

const config = loadConfig({ env: {}, cwd: '/tmp' });
const school = config.schools[0]!;
const IT_CHANNEL = '19:demo-it-channel@thread.tacv2';
const DSL_CHANNEL = '19:demo-dsl-channel@thread.tacv2';
const SAM = { email: 's.whitfield@northgate.example', name: 'Sam Whitfield' };
let conn: Connection;
let models: Models;
let connector: ConnectorStandIn;
let n = 0;

/** A staff member given an admin role: pure IT security. */
function makeGrant(overrides: Partial<DetectionInput> = {}): DetectionInput {
  n += 1;
  return {
    detectionId: `route-${n}`,
    ruleId: 'account.privilege_grant.google',
    family: 'account.privilege_grant',
    severity: 'high',
    category: 'security',
    summary: 'An administrator gave a member of staff the Google admin role "Super Admin".',
    at: new Date('2026-03-10T08:55:00Z'),
    subjectIds: [],
    objectId: 'Super Admin',
    actor: 'admin@northgate.example',
    target: `staff-${n}@northgate.example`,
    ...overrides,
  };
}

function deps(clock: () => Date) {
  const log = createLogger({ level: 'silent' });
  return { stores: models, config, notifier: teamsEdgeFor(config, models, { logger: log, clock }).caseNotifier, log, clock };
}

const posts = (channel: string) => connector.calls.filter((c) => c.method === 'POST' && c.path === `/v3/conversations/${channel}/activities`);

beforeAll(async () => {
  conn = await connectTestDatabase('casesroute');
  models = createModels(conn);
  await ensureIndexes(models);
  await syncDirectory(models.people, school.id, await readDirectorySource(school));
  connector = await startConnectorStandIn();
  await models.conversationRefs.create({ conversationId: '19:general@thread.tacv2', scope: 'channel', schoolId: school.id, installed: true, reference: { serviceUrl: connector.url, channelId: 'msteams', conversation: { id: '19:general@thread.tacv2' } } });
});
afterAll(async () => {
  await dropTestDatabase(conn);
  await connector.close();
});

describe('routing a detection: DSL or IT', () => {
  it.each([
    ['a pupil among the subjects', { subjectIds: ['pupil-001'] }, 'dsl', 'child-involved'],
    ['a pupil seen by the engine but not matched', { pupilInvolved: true }, 'dsl', 'child-involved'],
    ['pupil data made public', { personalDataBreach: true }, 'dsl', 'pupil-data'],
    ['a file that looks like pupil data', { pupilData: true }, 'dsl', 'pupil-data'],
    ['a safeguarding category', { category: 'contact' as const }, 'dsl', 'safeguarding'],
    ['a possible indecent image', { mayInvolveIndecentImage: true }, 'dsl', 'safeguarding'],
    ['pure IT security', {}, 'it', 'table'],
  ])('%s → %s', (_name, overrides, queue, reason) => {
    expect(routeDetection(makeGrant(overrides), DEFAULT_ROUTES)).toEqual({ queue, reason });
  });

  it('lets the table send a pure IT family to the DSL, but never a child to IT', () => {
    const table = { ...DEFAULT_ROUTES, 'account.privilege_grant:critical': 'dsl' as const, 'sharing.public_link:high': 'it' as const };
    expect(routeDetection(makeGrant({ severity: 'critical' }), table).queue).toBe('dsl');
    expect(routeDetection(makeGrant({ severity: 'high' }), table).queue).toBe('it');
    expect(routeDetection(makeGrant({ family: 'sharing.public_link', subjectIds: ['pupil-001'] }), table).queue).toBe('dsl');
  });

  it('puts an IT matter in the IT channel and never opens a DSL case for it', async () => {
    const result = await openOrJoinFromDetection(deps(fakeClock()), school, makeGrant());
    expect(result).toMatchObject({ outcome: 'it-opened', channel: 'posted' });
    expect(await models.cases.countDocuments({ schoolId: school.id })).toBe(0);
    expect(posts(IT_CHANNEL)).toHaveLength(1);
    expect(posts(DSL_CHANNEL)).toHaveLength(0);
    expect(JSON.stringify(posts(IT_CHANNEL)[0]?.body)).toContain('it.send-to-dsl');
  });

  it('never folds a staff admin-role grant into a pupil\'s case about the same role', async () => {
    const clock = fakeClock(new Date('2026-03-11T09:00:00Z'));
    const pupil = await openOrJoinFromDetection(deps(clock), school, makeGrant({ severity: 'critical', subjectIds: ['pupil-005'], target: 'pupil5@northgate.example', pupilInvolved: true }));
    expect(pupil).toMatchObject({ outcome: 'opened' });
    clock.advance(3_600_000);
    const staff = await openOrJoinFromDetection(deps(clock), school, makeGrant({ severity: 'critical' }));
    expect(staff).toMatchObject({ outcome: 'it-opened' });
    // Another pupil given the same role is a case of its own, not a join by the role's name.
    const other = await openOrJoinFromDetection(deps(clock), school, makeGrant({ severity: 'critical', subjectIds: ['pupil-006'], target: 'pupil6@northgate.example' }));
    expect(other).toMatchObject({ outcome: 'opened' });
    const doc = await models.cases.findOne({ caseId: 'caseId' in pupil ? pupil.caseId : '' }).lean();
    expect(doc?.detections).toHaveLength(1);
    expect(doc?.subjects).toEqual(['pupil-005']);
  });

  it('follows a routing change recorded with who and why', async () => {
    const clock = fakeClock(new Date('2026-03-12T09:00:00Z'));
    expect((await loadRoutes(models, school))['account.mfa_disabled:high']).toBe('it');
    await recordChange(models, school.id, (current) => changeRoute(current, 'account.mfa_disabled', 'high', 'dsl', 'it', { who: 'r.okafor@northgate.example', why: 'MFA changes go to the DSL this term', at: clock() }));
    expect((await loadRoutes(models, school))['account.mfa_disabled:high']).toBe('dsl');
    const result = await openOrJoinFromDetection(deps(clock), school, makeGrant({ family: 'account.mfa_disabled', ruleId: 'account.mfa_disabled.google' }));
    expect(result).toMatchObject({ outcome: 'opened' });
    const logged = await models.monitoringChanges.findOne({ schoolId: school.id, 'what.type': 'route.setting' }).lean();
    expect(logged).toMatchObject({ who: 'r.okafor@northgate.example', why: 'MFA changes go to the DSL this term', what: { family: 'account.mfa_disabled', severity: 'high', before: 'it', after: 'dsl' } });
  });

  it('keeps everything with the DSL for a school with no IT team configured', async () => {
    const noIt: School = { ...school, it: undefined };
    const result = await openOrJoinFromDetection(deps(fakeClock(new Date('2026-03-14T09:00:00Z'))), noIt, makeGrant());
    expect(result).toMatchObject({ outcome: 'opened' });
  });

  it('takes the config file\'s routing rows', async () => {
    const strict: School = { ...school, id: 'routed', cases: { routing: { 'email.malicious_inbound': { high: 'dsl' } } } as never };
    const routes = await loadRoutes(models, strict);
    expect(routes['email.malicious_inbound:high']).toBe('dsl');
    expect(routes['email.malicious_inbound:medium']).toBe('it');
  });

  it('sends an IT matter to the DSL once, linking the case and the matter', async () => {
    const clock = fakeClock(new Date('2026-03-13T09:00:00Z'));
    const it1 = await openOrJoinFromDetection(deps(clock), school, makeGrant());
    if (it1.outcome !== 'it-opened') throw new Error(`expected an IT matter, got ${it1.outcome}`);
    const dslBefore = posts(DSL_CHANNEL).length;
    const [a, b] = await Promise.all([
      sendItMatterToDsl(deps(clock), school, it1.itMatterId, SAM),
      sendItMatterToDsl(deps(clock), school, it1.itMatterId, SAM),
    ]);
    const sent = [a, b].filter((r) => r.ok && !r.already);
    expect(sent).toHaveLength(1);
    const first = sent[0]!;
    if (!first.ok) throw new Error('unreachable');
    const doc = await models.cases.findOne({ caseId: first.caseId }).lean();
    expect(doc?.itMatter).toBe(it1.number);
    expect(doc?.summary).toContain(`Sent from the IT queue (${it1.number}) by Sam Whitfield`);
    const matter = await models.itMatters.findOne({ matterId: it1.itMatterId }).lean();
    expect(matter).toMatchObject({ status: 'sent-to-dsl', sentToDsl: { caseId: first.caseId, number: doc?.number, by: SAM } });
    expect(posts(DSL_CHANNEL).length).toBe(dslBefore + 1);
    expect(await sendItMatterToDsl(deps(clock), school, it1.itMatterId, SAM)).toMatchObject({ ok: true, already: true, caseId: first.caseId });
    expect(RUTH.email).not.toBe(SAM.email);
  });
});
