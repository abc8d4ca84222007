import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrJoinFromDetection, type DetectionInput } from '../../src/cases/detection.js';
import { detectionInputFromStored, sweepDetections, type StoredDetectionDoc } from '../../src/cases/monitoring-adapter.js';
import { teamsEdgeFor } from '../support/teams.js';
import { loadConfig, type School } from '../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { readDirectorySource, syncDirectory } from '../../src/directory/sync.js';
import { createLogger } from '../../src/log/logger.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { startConnectorStandIn, type ConnectorStandIn } from './connector-stand-in.js';
import { fakeClock, routedToDsl } from './fixtures.js';

const config = loadConfig({ env: {}, cwd: '/tmp' });
const school = routedToDsl(config.schools[0]!, ['sharing.public_link', 'sharing.external_user', 'email.external_forwarding', 'data.mass_download']);
let conn: Connection;
let models: Models;
let connector: ConnectorStandIn;
let n = 0;

function makeDetection(overrides: Partial<DetectionInput> = {}): DetectionInput {
  n += 1;
  return {
    detectionId: `det-${n}`,
    ruleId: 'sharing-public-link-google',
    family: 'sharing.public_link',
    severity: 'high',
    category: 'security',
    summary: 'A file owned by a member of staff was shared with anyone who has the link.',
    at: new Date('2026-03-10T08:55:00Z'),
    subjectIds: [],
    objectId: `drive-file-${n}`,
    ...overrides,
  };
}

function deps(clock: () => Date, log = createLogger({ level: 'silent' })) {
  return { stores: models, config, notifier: teamsEdgeFor(config, models, { logger: log, clock }).caseNotifier, log, clock };
}

beforeAll(async () => {
  conn = await connectTestDatabase('casesdet');
  models = createModels(conn);
  await ensureIndexes(models);
  await syncDirectory(models.people, school.id, await readDirectorySource(school));
  connector = await startConnectorStandIn();
  await models.conversationRefs.create({ conversationId: '19:general@thread.tacv2', scope: 'channel', schoolId: school.id, reference: { serviceUrl: connector.url, channelId: 'msteams', conversation: { id: '19:general@thread.tacv2' } } });
});
afterAll(async () => {
  await dropTestDatabase(conn);
  await connector.close();
});

describe('cases from detections', () => {
  it('ignores detections below the school threshold (default medium)', async () => {
    expect(await openOrJoinFromDetection(deps(fakeClock()), school, makeDetection({ severity: 'low' }))).toEqual({ outcome: 'below-threshold' });
    const strict: School = { ...school, cases: { ...(school.cases ?? {}), openFromSeverity: 'critical' } as never };
    expect(await openOrJoinFromDetection(deps(fakeClock()), strict, makeDetection({ severity: 'high' }))).toEqual({ outcome: 'below-threshold' });
  });

  it('opens a case, joins later detections about the same item within the window, and routes each detection once', async () => {
    const clock = fakeClock();
    const first = makeDetection({ objectId: 'drive-file-x', severity: 'medium' });
    const opened = await openOrJoinFromDetection(deps(clock), school, first);
    expect(opened).toMatchObject({ outcome: 'opened', channel: 'posted' });
    expect(await openOrJoinFromDetection(deps(clock), school, first)).toMatchObject({ outcome: 'already-handled', caseId: 'caseId' in opened ? opened.caseId : '' });
    clock.advance(3_600_000);
    const joined = await openOrJoinFromDetection(deps(clock), school, makeDetection({ objectId: 'drive-file-x', severity: 'critical', ruleId: 'sharing-external-user-google', family: 'sharing.external_user' }));
    expect(joined).toMatchObject({ outcome: 'joined', caseId: 'caseId' in opened ? opened.caseId : '', channel: 'updated' });
    const doc = await models.cases.findOne({ caseId: 'caseId' in opened ? opened.caseId : '' }).lean();
    expect(doc?.severity).toBe('critical');
    expect(doc?.detections).toHaveLength(2);
    clock.advance(73 * 3_600_000);
    expect(await openOrJoinFromDetection(deps(clock), school, makeDetection({ objectId: 'drive-file-x' }))).toMatchObject({ outcome: 'opened' });
  });

  it('joins by subject (the same pupil) too', async () => {
    const clock = fakeClock(new Date('2026-04-01T10:00:00Z'));
    const a = await openOrJoinFromDetection(deps(clock), school, makeDetection({ subjectIds: ['pupil-010'], category: 'contact' }));
    const b = await openOrJoinFromDetection(deps(clock), school, makeDetection({ subjectIds: ['pupil-010'], category: 'contact' }));
    expect(b).toMatchObject({ outcome: 'joined', caseId: 'caseId' in a ? a.caseId : '' });
  });

  it('routes one detection handed over twice at once into one case', async () => {
    const d = makeDetection();
    const results = await Promise.all([openOrJoinFromDetection(deps(fakeClock()), school, d), openOrJoinFromDetection(deps(fakeClock()), school, d)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['already-handled', 'opened']);
  });

  it('shows a "do not view" banner and no link for a possible indecent image, and the 72-hour DPO clock for a pupil-data breach', async () => {
    const clock = fakeClock(new Date('2026-05-01T10:00:00Z'));
    const before = connector.cards('POST').length;
    await openOrJoinFromDetection(deps(clock), school, makeDetection({ category: 'content', mayInvolveIndecentImage: true, objectId: 'drive-file-iiic' }));
    const card = JSON.stringify(connector.cards('POST')[before]);
    expect(card).toContain('Do not open or view the item');
    expect(card).not.toContain('drive-file-iiic');
    expect(card).not.toMatch(/https?:\/\/(?!adaptivecards)/);
    const breach = await openOrJoinFromDetection(deps(clock), school, makeDetection({ personalDataBreach: true }));
    const doc = await models.cases.findOne({ caseId: 'caseId' in breach ? breach.caseId : '' }).lean();
    expect(doc?.dpoDeadline?.toISOString()).toBe('2026-05-04T10:00:00.000Z');
    const breachCard = JSON.stringify(connector.cards('POST').at(-1));
    expect(breachCard).toContain('the data protection officer must decide whether to report it to the ICO by');
    expect(breachCard).toContain('(72 hours left)');
  });

  it('takes in the monitoring engine\'s stored detections (adapter) and marks them with their case', async () => {
    const pupil = await models.people.findOne({ schoolId: school.id, personId: 'pupil-020' }).lean();
    const now = new Date();
    await models.detections.create({
      _id: 'northgate|fold-1|1', schoolId: school.id, ruleId: 'sharing-public-link-google', family: 'sharing.public_link', severity: 'high', severityRank: 2,
      category: 'security', source: 'google', kind: 'google.reports.activity', foldKey: 'fold-1', bucket: 1, count: 1, eventIds: ['e1'],
      firstSeen: now, lastSeen: now, actor: pupil?.email ?? '', objectId: 'doc-77', looksLikePupilData: true, pupilInvolved: true,
      summary: 'A pupil shared a file that looks like pupil data with anyone who has the link.', runbook: 'Remove the link.',
    });
    await models.detections.create({
      _id: 'northgate|fold-2|1', schoolId: school.id, ruleId: 'x', family: 'data.mass_download', severity: 'low', severityRank: 0,
      category: 'security', source: 'google', kind: 'google.reports.activity', foldKey: 'fold-2', bucket: 1, count: 1, eventIds: ['e2'],
      firstSeen: now, lastSeen: now, actor: '', looksLikePupilData: false, pupilInvolved: false, summary: 'Low.', runbook: 'None.',
    });
    expect(await sweepDetections({ ...deps(() => now), models })).toEqual({ routed: 1 });
    const stored = await models.detections.findById('northgate|fold-1|1').lean();
    const c = await models.cases.findOne({ caseId: stored?.caseId }).lean();
    expect(c).toMatchObject({ source: 'detection', subjects: ['pupil-020'] });
    expect(c?.dpoDeadline).toBeTruthy();
    expect(await sweepDetections({ ...deps(() => now), models })).toEqual({ routed: 0 });
  });

  it('posts a critical detection whose text holds template syntax, and queues, logs and retries one whose post fails', async () => {
    const address = 'x${$root.caseId}}@[evil](https://evil.test)';
    const summary = `Mail is forwarded to ${address} outside the school.`;
    const posted = await openOrJoinFromDetection(deps(fakeClock()), school, makeDetection({ severity: 'critical', family: 'email.external_forwarding', summary, target: address }));
    expect(posted).toMatchObject({ outcome: 'opened', channel: 'posted' });
    const card = JSON.stringify(connector.cards('POST').at(-1));
    // Shown literally: Markdown and template syntax backslash-escaped (JSON doubles each backslash).
    expect(card).toContain(JSON.stringify(String.raw`x\$\{\$root.caseId\}\}@\[evil\](https://evil.test)`).slice(1, -1));
    expect(card).not.toMatch(/[^\\]\]\(https:\/\/evil/);

    const lines: Record<string, unknown>[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
    connector.refuse('');
    const queued = await openOrJoinFromDetection(deps(fakeClock(), log), school, makeDetection({ severity: 'critical', family: 'email.external_forwarding', summary, target: address }));
    expect(queued).toMatchObject({ outcome: 'opened', channel: 'queued' });
    const caseId = (queued as { caseId: string }).caseId;
    expect((await models.cases.findOne({ caseId }).lean())?.channelPending).toBe(true);
    expect(lines).toContainEqual(expect.objectContaining({ caseId, reason: 'post_failed' }));
    expect(JSON.stringify(lines)).not.toContain('evil');
    connector.refuse(undefined);

    const flushed = await deps(fakeClock()).notifier.flushPending();
    expect(flushed).toEqual({ posted: 1, stillQueued: 0 });
    expect((await models.cases.findOne({ caseId }).lean())?.channelPending).toBe(false);
  });
});

describe('which detections start the 72-hour DPO clock', () => {
  it.each([
    ['sharing.public_link', true, true],
    ['sharing.external_user', true, true],
    ['sharing.ownership_transfer_external', true, true],
    ['sharing.external_user', false, false],
    ['data.mass_download', true, false],
    ['email.external_forwarding', false, false],
  ])('%s with pupil data %s → breach %s', async (family, looksLikePupilData, breach) => {
    const stored = { _id: `stored-${family}`, schoolId: school.id, ruleId: 'r', family, severity: 'high', category: 'security', summary: 's', actor: 'a.wilber@northgate.example', target: 'someone@gmail.example', looksLikePupilData, firstSeen: new Date('2026-03-10T08:00:00Z') } as unknown as StoredDetectionDoc;
    expect((await detectionInputFromStored(stored, models.people)).personalDataBreach).toBe(breach);
  });
});
