import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoFileConfig } from '../../src/config/demo.js';
import { loadConfig } from '../../src/config/load.js';
import { demoDirectory } from '../../src/directory/demo-directory.js';
import type { PersonInput } from '../../src/directory/person.js';
import { createLogger } from '../../src/log/logger.js';
import { startLantern, type RunningLantern } from '../../src/server/start.js';
import { testMongoUri } from '../support/db.js';

const COLUMNS = ['personId', 'email', 'displayName', 'role', 'jobTitle', 'yearGroup', 'form', 'formsTaught', 'childrenIds', 'aadObjectId'] as const;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-startup-dir-'));
const directoryFile = path.join(dir, 'people.csv');
const configFile = path.join(dir, 'lantern.config.json');
const dbName = `srv_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
let last: RunningLantern | undefined;

/** Writes the school's directory CSV (the MIS export the config points at). */
function writeDirectory(people: readonly PersonInput[]): void {
  const cell = (v: unknown) => `"${(Array.isArray(v) ? v.join(';') : v === undefined || v === null ? '' : String(v)).replace(/"/g, '""')}"`;
  writeFileSync(directoryFile, [COLUMNS.join(','), ...people.map((p) => COLUMNS.map((c) => cell(p[c])).join(','))].join('\n'));
}

/** Starts Lantern on the same database each time, as a restart would. */
async function start(): Promise<RunningLantern> {
  const config = loadConfig({ file: configFile, env: { MONGODB_URI: `${testMongoUri()}${dbName}`, PORT: '0', LOG_LEVEL: 'silent' }, cwd: os.tmpdir() });
  last = await startLantern(config, createLogger({ level: 'silent' }), { backgroundJobs: false });
  return last;
}

afterAll(async () => {
  await last?.connection.dropDatabase().catch(() => undefined);
  await last?.stop();
});

describe('the local directory at start-up', () => {
  it('an emptied directory file keeps the stored people instead of making everyone a leaver', async () => {
    const people = demoDirectory();
    writeDirectory(people);
    const demo = demoFileConfig();
    writeFileSync(configFile, JSON.stringify({ ...demo, schools: demo.schools.map((s) => ({ ...s, directory: { source: 'csv', file: directoryFile } })) }));
    const first = await start();
    expect(await first.models.people.countDocuments({ schoolId: 'northgate', active: true })).toBe(people.length);
    await first.stop();

    writeDirectory([]);
    const second = await start();
    expect(await second.models.people.countDocuments({ schoolId: 'northgate', active: true })).toBe(people.length);
  });
});
