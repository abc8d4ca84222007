import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCommand } from '../../src/cases/act.js';
import { openCase } from '../../src/cases/open.js';
import { runCli } from '../../src/cli/main.js';
import { connectDatabase } from '../../src/db/connect.js';
import { openIntegrityKey } from '../../src/integrity/key.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { testMongoUri } from '../support/db.js';
import { demoSchool, fakeClock, makeCaseInput, RUTH } from '../cases/fixtures.js';

const school = demoSchool();
const hex = randomBytes(32).toString('hex');
const key = openIntegrityKey({ key: hex, keyFile: null, generate: false })!;
const uri = `${testMongoUri()}integcli_${randomUUID().slice(0, 8)}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-integrity-'));
let conn: Connection;
let models: Models;

async function cli(env: Record<string, string>, ...argv: string[]) {
  const out: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => out.push(l), env: { MONGODB_URI: uri, LOG_LEVEL: 'silent', ...env }, cwd: dir });
  return { code, out: out.join('\n') };
}

beforeAll(async () => {
  conn = await connectDatabase(uri);
  models = createModels(conn, key);
  await ensureIndexes(models);
});
afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

describe('lantern integrity …', () => {
  it('writes signed heads, verifies against them, and exits 1 once the newest entry is deleted and the counter lowered', async () => {
    const clock = fakeClock(new Date('2026-10-01T09:00:00Z'));
    const { caseId } = await openCase(models, school, makeCaseInput(), clock());
    await applyCommand(models, school.id, caseId, RUTH, { kind: 'acknowledge' }, clock);
    const withKey = { LANTERN_INTEGRITY_KEY: hex };

    const heads = await cli(withKey, 'integrity', 'heads', '--out', 'heads.json');
    expect(heads.code).toBe(0);
    expect(heads.out).toContain(`signed with key ${key.id}`);
    const caseHead = heads.out.split('\n').map((l) => l.trim()).find((l) => l.startsWith('northgate/cases/'))!;

    const good = await cli(withKey, 'integrity', 'verify', '--heads', 'heads.json');
    expect(good.out).toContain('signed with this key; 4 head(s)');
    expect(good.out).toContain(`Key: ${key.id}`);
    expect(good.out).toMatch(/✓ northgate case timelines: 1 case\(s\), 2 entries, 2 sealed; intact/);
    expect(good.out).toContain('Result: intact.');
    expect(good.code).toBe(0);

    await models.caseTimeline.collection.deleteOne({ caseId, seq: 2 });
    await models.cases.collection.updateOne({ caseId }, { $set: { version: 1, status: 'new', assignee: null, acknowledgedAt: null } });
    const bad = await cli(withKey, 'integrity', 'verify', '--head', caseHead);
    expect(bad.out).toMatch(/✓ northgate case timelines: 1 case\(s\), 1 entries/);
    expect(bad.out).toMatch(/✗ head northgate case timelines up to .*: published 2 entries/);
    expect(bad.code).toBe(1);

    const file = path.join(dir, 'heads.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"heads": [', '"heads": [\n    "northgate/cases/2020-01-01T00:00:00.000Z/0/e3b0c44298fc1c149afb",'));
    const tampered = await cli(withKey, 'integrity', 'verify', '--heads', 'heads.json');
    expect(tampered.out).toContain('its signature does not match this key');
    expect(tampered.code).toBe(1);

    // The demo makes its own key in its data directory: another key, so no seal checks out.
    const otherKey = await cli({}, 'integrity', 'verify', '--school', 'northgate');
    expect(otherKey.out).toMatch(/Key: [0-9a-f]{12} \(from .*integrity\.key\)/);
    expect(otherKey.out).toContain("Entry 1 (opened)'s seal does not match");
    expect(otherKey.code).toBe(1);
  });
});
