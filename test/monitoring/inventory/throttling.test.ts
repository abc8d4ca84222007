import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantSpec } from '../../../src/bench/inventory-tenant.js';
import { runInventory } from '../../../src/monitoring/inventory/run.js';
import { dropTestDatabase } from '../../support/db.js';
import { driveWalkerFor, graphWalkerFor, inventoryFixture, type InventoryFixture } from './setup.js';

const SPEC: TenantSpec = { domain: 'school.example', users: 6, files: 300, sites: 0, siteFiles: 0, exposedPercent: 3 };
// The stand-in allows 10 Drive queries and 30 Graph units a second: small enough for a test to meet the limit.
const LIMITS = { driveProject: { limit: 10, windowMs: 1_000 }, drivePerUser: { limit: 100, windowMs: 1_000 }, graphPerMinute: { limit: 30, windowMs: 1_000 } };
let f: InventoryFixture;

beforeAll(async () => {
  f = await inventoryFixture(SPEC, LIMITS);
}, 60_000);

afterAll(async () => {
  await f?.standIn.stop();
  if (f) await dropTestDatabase(f.conn);
});

describe('the inventory within the API quotas', () => {
  it('paced to the quota it is given, it reads everything without one 429', async () => {
    const { targets, walker } = await driveWalkerFor(f, { project: LIMITS.driveProject, perUser: LIMITS.drivePerUser }, 10);
    const started = Date.now();
    const summary = await runInventory(f.models, f.school.id, targets.view, walker, { resume: false, concurrency: 6 });
    expect(summary).toMatchObject({ status: 'done', files: 300, throttled: 0 });
    expect(f.standIn.stats.driveThrottled).toBe(0);
    // 30 pages at 10 a second: the quota, not the machine, sets the pace.
    expect(Date.now() - started).toBeGreaterThan(1_900);
  }, 60_000);

  it('told a quota larger than the real one, it gets 429s, waits as Retry-After says every time, and still reads everything', async () => {
    const before = f.standIn.stats.driveThrottled;
    const { targets, walker } = await driveWalkerFor(f, { project: { limit: 1_000, windowMs: 1_000 }, perUser: { limit: 1_000, windowMs: 1_000 } }, 10);
    const summary = await runInventory(f.models, f.school.id, targets.view, walker, { resume: false, concurrency: 6 });
    expect(summary).toMatchObject({ status: 'done', files: 300, failedUnits: 0 });
    expect(summary.throttled).toBeGreaterThan(0);
    expect(f.standIn.stats.driveThrottled - before).toBe(summary.throttled);
    expect(f.standIn.stats.earlyRetries).toBe(0);
  }, 60_000);

  it('Graph: the same for resource units, honouring Retry-After on 429', async () => {
    const { targets, walker } = await graphWalkerFor(f, { perMinute: { limit: 10_000, windowMs: 1_000 }, perDay: { limit: 1_000_000, windowMs: 86_400_000 } });
    const summary = await runInventory(f.models, f.school.id, targets.view, walker, { resume: false, concurrency: 6 });
    expect(summary).toMatchObject({ status: 'done', files: 300, failedUnits: 0 });
    expect(summary.throttled).toBeGreaterThan(0);
    expect(f.standIn.stats.graphThrottled).toBe(summary.throttled);
    expect(f.standIn.stats.earlyRetries).toBe(0);
  }, 60_000);
});
