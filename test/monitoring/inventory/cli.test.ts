import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantSpec } from '../../../src/bench/inventory-tenant.js';
import { runCli } from '../../../src/cli/main.js';
import type { CliIO } from '../../../src/cli/command.js';
import { dropTestDatabase, testMongoUri } from '../../support/db.js';
import { inventoryFixture, type InventoryFixture } from './setup.js';

const SPEC: TenantSpec = { domain: 'school.example', users: 20, files: 1_000, sites: 1, siteFiles: 40, exposedPercent: 3 };
let f: InventoryFixture;

function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const env = {
    MONGODB_URI: `${testMongoUri()}${f.conn.name}`,
    LANTERN_CONFIG: path.join(f.dir, 'lantern.config.yaml'),
    LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: path.join(f.dir, 'sa.json'),
    LANTERN_MS_CLIENT_SECRET: 'stand-in-secret',
    LOG_LEVEL: 'silent',
  };
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), env, cwd: f.dir };
  return runCli(args, io).then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
}

beforeAll(async () => {
  f = await inventoryFixture(SPEC);
}, 60_000);

afterAll(async () => {
  await f?.standIn.stop();
  if (f) await dropTestDatabase(f.conn);
});

describe('lantern monitor inventory', () => {
  it('walks both sources with a progress line on stderr and reports by kind and priority', async () => {
    const run = await cli(['monitor', 'inventory', '--json']);
    expect(run.code, run.err).toBe(0);
    expect(run.err).toMatch(/google: 20\/20 drives, 1,000 files, \d+ shared outside, [\d,]+ files\/s/);
    expect(run.err).toMatch(/microsoft: 21\/21 drives, 1,040 files/);
    const body = JSON.parse(run.out) as { runs: { source: string; status: string; files: number; exposed: number }[]; report: { exposed: number; byPriority: { high: number; medium: number; low: number }; top: { itemId: string }[] } };
    expect(body.runs.map((r) => [r.source, r.status, r.files])).toEqual([['google', 'done', 1_000], ['microsoft', 'done', 1_040]]);
    expect(body.report.exposed).toBe(body.runs[0]!.exposed + body.runs[1]!.exposed);
    expect(body.report.byPriority.high + body.report.byPriority.medium + body.report.byPriority.low).toBe(body.report.exposed);

    const text = await cli(['monitor', 'inventory', '--source', 'google']);
    expect(text.out).toMatch(/^google: finished; 20\/20 drives, 1,000 files read, \d+ shared outside the school/m);
    expect(text.out).toContain('Highest priority (no titles are stored');
    expect(text.out).not.toMatch(/Lesson notes|class list|register|tracker/);
  }, 90_000);

  it('fixes through a dry run and a recorded approval, only for the DSL or IT team', async () => {
    const refused = await cli(['monitor', 'inventory', 'fix', '--kind', 'remove-public-link', '--priority', 'high', '--by', 'someone@school.example', '--dry-run']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("is not on Northgate Primary's DSL team or IT team");

    const dryRun = await cli(['monitor', 'inventory', 'fix', '--kind', 'remove-public-link', '--priority', 'high', '--by', 'r.okafor@northgate.example', '--dry-run']);
    expect(dryRun.code, dryRun.err).toBe(0);
    expect(dryRun.out).toContain('would remove Anyone with the link');
    expect(dryRun.out).toContain('Dry run — nothing has changed.');
    expect(f.standIn.removed.size).toBe(0);
    const requestId = /--approve (\S+)/.exec(dryRun.out)?.[1] ?? '';
    const planned = (dryRun.out.match(/would remove/g) ?? []).length;
    expect(planned).toBeGreaterThan(0);

    const approved = await cli(['monitor', 'inventory', 'fix', '--approve', requestId, '--by', 'r.okafor@northgate.example']);
    expect(approved.code, approved.err).toBe(0);
    expect((approved.out.match(/→ removed/g) ?? []).length).toBe(planned);
    expect(approved.out).toContain('Recorded: approved by r.okafor@northgate.example; every removal done.');
    expect(f.standIn.removed.size).toBe(planned);
    expect(await f.models.inventoryFixApprovals.countDocuments({ approvedBy: 'r.okafor@northgate.example' })).toBe(planned);

    const twice = await cli(['monitor', 'inventory', 'fix', '--approve', requestId, '--by', 'r.okafor@northgate.example']);
    expect(twice.out).toContain('not changed, already approved by r.okafor@northgate.example');
    expect(f.standIn.removed.size).toBe(planned);
  }, 90_000);
});
