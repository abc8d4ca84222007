import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { connectDatabase } from '../../src/db/connect.js';
import { createModels, type Models } from '../../src/stores.js';
import { testMongoUri } from '../support/db.js';
import { WondeStandIn } from '../support/wonde-stand-in.js';

const uri = `${testMongoUri()}wondecli_${randomUUID().slice(0, 8)}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-wondecli-'));
const at = new Date('2026-01-05T09:00:00Z');

describe('lantern directory sync from Wonde', () => {
  let wonde: WondeStandIn;
  let conn: Connection;
  let models: Models;
  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const env = { LANTERN_CONFIG: path.join(dir, 'lantern.config.yaml'), MONGODB_URI: uri, LOG_LEVEL: 'silent', LANTERN_WONDE_TOKEN_NORTHGATE: wonde.token };
    const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env, cwd: dir });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  beforeAll(async () => {
    wonde = await new WondeStandIn().start();
    wonde.approved.add('A1930499544');
    wonde.students.push({ id: 'S-AMY', forename: 'Amy', surname: 'Pupil', year: '3', registration: '3K', contacts: [], updatedAt: at });
    wonde.employees.push({ id: 'E-ALEX', forename: 'Alex', surname: 'Wilber', email: 'a.wilber@northgate.example', updatedAt: at });
    writeFileSync(
      path.join(dir, 'lantern.config.yaml'),
      `schools:
  - id: northgate
    name: Northgate Primary
    ownDomains: [northgate.example]
    dsl:
      members: [{ email: r.okafor@northgate.example, role: dsl }]
      channel: { teamId: t, channelId: c }
    directory: { source: wonde, schoolId: A1930499544, apiUrl: "${wonde.url}/v1.0" }
`,
    );
    conn = await connectDatabase(uri);
    models = createModels(conn);
  });
  afterAll(async () => {
    await conn.dropDatabase();
    await conn.close();
    await wonde.stop();
  });

  it('shows what a dry run would change, syncs, then reads only the changes', async () => {
    const dry = await cli('directory', 'sync', '--school', 'northgate', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('northgate (wonde, dry run): 2 added, 0 updated, 0 back, 0 marked inactive, 0 unchanged');
    expect(await models.people.countDocuments({})).toBe(0);
    expect((await cli('directory', 'sync', '--school', 'northgate')).out).toContain('northgate (wonde): 2 added');
    const again = await cli('directory', 'sync', '--school', 'northgate');
    expect(again.out).toMatch(/northgate \(wonde, changes since \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\): 0 added, 0 updated, 0 back, 0 marked inactive, 2 unchanged/);
    expect(wonde.requests.some((r) => r.query.has('updated_after'))).toBe(true);
    expect((await cli('directory', 'sync', '--school', 'northgate', '--full')).out).toContain('northgate (wonde): 0 added, 0 updated, 0 back, 0 marked inactive, 2 unchanged');
  });
});
