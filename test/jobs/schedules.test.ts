import { jobPortsFor } from '../support/teams.js';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createModels, type Models } from '../../src/stores.js';
import { JobRunner, JobScheduler } from '../../src/jobs/index.js';
import { createLogger } from '../../src/log/logger.js';
import { jobHandlers, lanternSchedules, registerSchedules } from '../../src/server/jobs.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { partOf, readImportGraph } from '../support/import-graph.js';

let conn: Connection;
let models: Models;
const logger = createLogger({ level: 'silent' });
const clock = () => new Date('2025-03-03T09:00:00Z');

beforeAll(async () => {
  conn = await connectTestDatabase('job-schedules');
  models = createModels(conn);
});
afterAll(async () => dropTestDatabase(conn));

describe('start-up composes the capabilities’ schedules', () => {
  it('registers every capability’s schedules once, each naming a job in the handler table', () => {
    const config = loadConfig({ env: { LOG_LEVEL: 'silent' } });
    const handlers = jobHandlers({ config, models, logger, clock, ...jobPortsFor(config, models, { logger, clock }) });
    const runner = new JobRunner({ models, handlers, clock, logger, instanceId: 'schedules' });
    const scheduler = new JobScheduler({ models, runner, clock, logger });
    // The real scheduler refuses a name registered twice and a bad cron or time zone.
    expect(() => registerSchedules(scheduler, config)).not.toThrow();
    const schedules = lanternSchedules(config);
    const school = config.schools[0]!.id;
    expect(schedules.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        `directory.sync:${school}`,
        `agreements.tick:${school}`,
        `agreements.rollover:${school}`,
        'monitor.cleanup',
        'jobs.cleanup',
        'cases.channel-flush',
        'cases.intake',
        'cases.retention',
      ]),
    );
    for (const s of schedules) expect(Object.keys(handlers)).toContain(s.jobName);
  });

  it('leaves start-up out of every capability’s imports', () => {
    const edgeFolders = new Set(['server', 'cli', 'bench']);
    const intoStartUp = readImportGraph(path.resolve('src'))
      .filter((e) => partOf(e.to) === 'server' && !edgeFolders.has(partOf(e.from)))
      .map((e) => `${e.from} -> ${e.to}`);
    expect(intoStartUp).toEqual([]);
  });
});
