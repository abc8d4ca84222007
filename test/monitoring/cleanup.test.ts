import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type LanternConfig } from '../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { createLogger } from '../../src/log/logger.js';
import { addSuppression, changeRuleSetting, removeSuppression } from '../../src/monitoring/changes.js';
import { cleanUpMonitoring, detectionKeyRetentionMs } from '../../src/monitoring/cleanup.js';
import { checkpointId } from '../../src/monitoring/connectors/checkpoint-model.js';
import { countersFromStored } from '../../src/monitoring/connectors/counter-store.js';
import { acquireStreamLock } from '../../src/monitoring/connectors/stream-lock.js';
import { recordChange } from '../../src/monitoring/settings-store.js';
import { auditClientFactories } from '../../src/server/audit-clients.js';
import { jobHandlers, registerSchedules } from '../../src/server/jobs.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { writeServiceAccountKey } from './connectors/support/fake-google.js';
import { jobPortsFor } from '../support/teams.js';
import { NORTHGATE_SCHOOL } from '../support/school-yaml.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-20T03:45:00Z');
const SCHOOL = 'northgate';
const logger = createLogger({ level: 'silent' });
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-moncleanup-'));
let conn: Connection;
let models: Models;
let config: LanternConfig;

function writeConfig(): string {
  const file = path.join(dir, 'lantern.config.yaml');
  writeFileSync(
    file,
    `schools:
${NORTHGATE_SCHOOL}    google:
      customerId: C03az79cb
      adminSubject: it.admin@northgate.example
      applications: [drive, login]
`,
  );
  return file;
}

const author = { who: 'it.manager@northgate.example', why: 'Clean-up test', at: new Date(NOW - 40 * DAY) };
const base = { reason: 'Known partner', createdBy: author.who };

beforeAll(async () => {
  const file = writeConfig();
  config = loadConfig({ file, env: { LANTERN_CONFIG: file, LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: writeServiceAccountKey() }, cwd: dir });
  conn = await connectTestDatabase('moncleanup');
  models = createModels(conn);
  await ensureIndexes(models);
});
afterAll(async () => dropTestDatabase(conn));

describe('monitoring clean-up', () => {
  it("keeps detection keys for as long as Google's 180-day backfill reach plus the longest fold window", () => {
    expect(detectionKeyRetentionMs(auditClientFactories(config), config, SCHOOL)).toBe((180 + 30 + 1) * DAY);
    expect(detectionKeyRetentionMs(auditClientFactories(config), config, 'no-such-school')).toBe((180 + 30 + 1) * DAY);
  });

  it('deletes old keys, expired counters and expired suppressions in batches, keeping history in the change log', async () => {
    // Idempotency keys: 1,200 past the reach (three batches of 500), one without an event time, and recent ones.
    const old = new Date(NOW - 250 * DAY);
    const keys = Array.from({ length: 1200 }, (_, i) => ({ _id: `${SCHOOL}|old-${i}`, schoolId: SCHOOL, detectionId: 'd-old', count: 1, eventIds: [`e${i}`], at: old, last: old, createdAt: old }));
    keys.push({ _id: `${SCHOOL}|untimed`, schoolId: SCHOOL, detectionId: 'd-x', count: 1, eventIds: [], at: null as never, last: null as never, createdAt: old });
    const recent = new Date(NOW - 200 * DAY);
    keys.push({ _id: `${SCHOOL}|recent`, schoolId: SCHOOL, detectionId: 'd-new', count: 1, eventIds: ['r'], at: recent, last: recent, createdAt: recent });
    keys.push({ _id: `riverside|gone-school`, schoolId: 'riverside', detectionId: 'd-r', count: 1, eventIds: ['g'], at: old, last: old, createdAt: old });
    await models.detectionEvents.collection.insertMany(keys as never[]);

    // Counters: a burst long over, a live one, and one kept because the school lengthened that rule's window.
    await recordChange(models, SCHOOL, (cur) => changeRuleSetting(cur, 'data.mass_delete.google', { windowMinutes: 7 * 24 * 60 }, author));
    const counters = [
      { key: 'data.mass_download.google|a@northgate.example', times: [NOW - 3 * DAY, NOW - 3 * DAY + 1000], ids: ['x1', 'x2'] },
      { key: 'data.mass_download.google|b@northgate.example', times: [NOW - 60_000], ids: ['y1'] },
      { key: 'data.mass_delete.google|c@northgate.example', times: [NOW - 3 * DAY], ids: ['z1'] },
    ];
    for (const stream of ['google:drive', 'google:login']) {
      await models.monitorCheckpoints.create({ _id: checkpointId(SCHOOL, stream), schoolId: SCHOOL, source: 'google', stream, counters });
    }
    // A poll holds the login stream: its counters are left alone today.
    const clock = () => new Date(NOW);
    const held = await acquireStreamLock(models.monitorStreamLocks, checkpointId(SCHOOL, 'google:login'), clock);

    // Suppressions: expired (logged), removed (logged), expired without a log entry, and one still active.
    const exp = (days: number) => new Date(NOW + days * DAY).toISOString();
    await recordChange(models, SCHOOL, (cur) => addSuppression(cur, { ...base, id: 'sup-expired', ruleId: 'sharing.external_user.google', expiresAt: exp(-1) }, author));
    await recordChange(models, SCHOOL, (cur) => addSuppression(cur, { ...base, id: 'sup-removed', ruleId: 'sharing.external_user.google', expiresAt: exp(10) }, author));
    await recordChange(models, SCHOOL, (cur) => removeSuppression(cur, 'sup-removed', author));
    await models.suppressions.create({ schoolId: SCHOOL, suppressionId: 'sup-direct', ruleId: 'sharing.public_link.google', reason: 'Set before the log', createdBy: 'old.admin', expiresAt: new Date(NOW - 2 * DAY) });
    await recordChange(models, SCHOOL, (cur) => addSuppression(cur, { ...base, id: 'sup-live', domain: 'partner.example', expiresAt: exp(5) }, author));
    const logBefore = await models.monitoringChanges.countDocuments({ schoolId: SCHOOL });

    const result = await cleanUpMonitoring({ config, models, logger, clock, clients: auditClientFactories(config) }, 500);
    expect(result).toEqual({ detectionKeys: 1202, counters: 1, busyStreams: 1, suppressions: 3 });
    expect((await models.detectionEvents.find({}, { _id: 1 }).lean()).map((k) => k._id)).toEqual([`${SCHOOL}|recent`]);
    const drive = await models.monitorCheckpoints.findById(checkpointId(SCHOOL, 'google:drive')).lean();
    expect(Object.keys(countersFromStored(drive?.counters) ?? {}).sort()).toEqual(['data.mass_delete.google|c@northgate.example', 'data.mass_download.google|b@northgate.example']);
    const login = await models.monitorCheckpoints.findById(checkpointId(SCHOOL, 'google:login')).lean();
    expect(Object.keys(countersFromStored(login?.counters) ?? {})).toHaveLength(3);
    expect((await models.suppressions.find({ schoolId: SCHOOL }).lean()).map((s) => s.suppressionId)).toEqual(['sup-live']);
    const log = await models.monitoringChanges.find({ schoolId: SCHOOL }).sort({ seq: 1 }).lean();
    expect(log).toHaveLength(logBefore + 1);
    expect(log.at(-1)).toMatchObject({ who: 'Lantern clean-up', what: { type: 'suppression.remove', suppression: { id: 'sup-direct', createdBy: 'old.admin', reason: 'Set before the log' } } });

    // Once the poll has finished, the next run tidies its stream; a repeat finds nothing more to do.
    await held?.release();
    const again = await cleanUpMonitoring({ config, models, logger, clock, clients: auditClientFactories(config) }, 500);
    expect(again).toEqual({ detectionKeys: 0, counters: 1, busyStreams: 0, suppressions: 0 });
    expect(await models.monitoringChanges.countDocuments({ schoolId: SCHOOL })).toBe(logBefore + 1);
  });

  it('runs as a daily server job', async () => {
    const handlers = jobHandlers({ config, models, logger, clock: () => new Date(NOW), ...jobPortsFor(config, models) });
    await expect(handlers['monitor.cleanup']()).resolves.toMatchObject({ detectionKeys: 0 });
    const schedules: Array<{ name: string; cron: string }> = [];
    registerSchedules({ registerSchedule: (s: { name: string; cron: string }) => schedules.push(s) } as never, config);
    expect(schedules.find((s) => s.name === 'monitor.cleanup')?.cron).toBe('45 3 * * *');
  });
});
