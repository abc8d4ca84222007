import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DPO_CLOCK_MS } from '../../src/cases/breach.js';
import { openCase } from '../../src/cases/open.js';
import { runCli } from '../../src/cli/main.js';
import { connectDatabase } from '../../src/db/connect.js';
import { readDirectorySource, syncDirectory } from '../../src/directory/sync.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { testMongoUri } from '../support/db.js';
import { demoSchool, makeCaseInput, RUTH } from './fixtures.js';

// Northgate is in Europe/London: in June its days run from 23:00 UTC the day before.
const school = demoSchool();
const uri = `${testMongoUri()}casedays_${randomUUID().slice(0, 8)}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-days-'));
let conn: Connection;
let models: Models;

/** When each case was opened, and whether a --from 2026-06-11 --to 2026-06-12 range holds it. */
const OPENED = [
  { at: '2026-06-10T22:30:00Z', label: 'the evening before (23:30 BST)', inside: false },
  { at: '2026-06-10T23:30:00Z', label: 'the first hour of the from day (00:30 BST)', inside: true },
  { at: '2026-06-12T22:30:00Z', label: 'late on the to day (23:30 BST)', inside: true },
  { at: '2026-06-12T23:30:00Z', label: 'the first hour after the to day (00:30 BST)', inside: false },
];
const numbers = new Map<string, string>();

async function cli(...argv: string[]) {
  const out: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => out.push(l), env: { MONGODB_URI: uri, LOG_LEVEL: 'silent' }, cwd: dir });
  return { code, out: out.join('\n') };
}

beforeAll(async () => {
  conn = await connectDatabase(uri);
  models = createModels(conn);
  await ensureIndexes(models);
  await syncDirectory(models.people, school.id, await readDirectorySource(school));
  for (const { at, label } of OPENED) {
    const when = new Date(at);
    const opened = await openCase(models, school, makeCaseInput({ summary: `Opened ${label}.`, dpoDeadline: new Date(when.getTime() + DPO_CLOCK_MS), breachHow: 'detection' }), when);
    numbers.set(at, opened.number);
  }
});
afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

function expectSchoolDays(output: string) {
  for (const { at, label, inside } of OPENED) expect(output.includes(numbers.get(at) ?? '?'), label).toBe(inside);
}

describe('--from / --to are the school\'s days (Europe/London, summer time)', () => {
  it('cases export --log keeps 00:30 BST on the from day and 23:30 BST on the to day, and nothing outside', async () => {
    const run = await cli('cases', 'export', '--log', '--as', RUTH.email, '--from', '2026-06-11', '--to', '2026-06-12');
    expect(run.code).toBe(0);
    expect(run.out).toContain('2 case(s)');
    expectSchoolDays(run.out);
  });

  it('cases breaches takes the same days for when the 72-hour clock started', async () => {
    const run = await cli('cases', 'breaches', '--as', RUTH.email, '--from', '2026-06-11', '--to', '2026-06-12');
    expect(run.code).toBe(0);
    expectSchoolDays(run.out);
  });

  it('the inspection pack counts the incidents opened on the school\'s day (only the 00:30 BST case on 11 June)', async () => {
    const run = await cli('inspection', 'pack', '--from', '2026-06-11', '--to', '2026-06-11', '--out', path.join(dir, 'pack'));
    expect(run.code).toBe(0);
    expect(run.out).toContain(' 1 incidents opened');
  });
});
