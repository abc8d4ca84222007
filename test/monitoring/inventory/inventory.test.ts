import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticFile, filesOf, type TenantSpec } from '../../../src/bench/inventory-tenant.js';
import { runInventory, type InventoryProgress } from '../../../src/monitoring/inventory/run.js';
import { inventoryReport } from '../../../src/monitoring/inventory/report.js';
import { approveInventoryFixes, planInventoryFixes } from '../../../src/monitoring/inventory/fix.js';
import { dropTestDatabase } from '../../support/db.js';
import { driveWalkerFor, graphWalkerFor, inventoryFixture, type InventoryFixture } from './setup.js';

const SPEC: TenantSpec = { domain: 'school.example', users: 40, files: 2_400, sites: 2, siteFiles: 50, exposedPercent: 3 };
const ROOMY = { project: { limit: 10_000, windowMs: 1_000 }, perUser: { limit: 10_000, windowMs: 1_000 } };
let f: InventoryFixture;

/** The files of owners `owners` the stand-in shares outside the school. */
function exposedIds(owners: readonly number[], prefix: string, count: (o: number) => number): string[] {
  return owners.flatMap((o) => Array.from({ length: count(o) }, (_, j) => syntheticFile(SPEC, o, j, prefix)).filter((x) => ['anyone', 'external-user', 'external-domain'].includes(x.sharing)).map((x) => x.id));
}
const users = Array.from({ length: SPEC.users }, (_, i) => i);

beforeAll(async () => {
  f = await inventoryFixture(SPEC);
}, 60_000);

afterAll(async () => {
  await f?.standIn.stop();
  if (f) await dropTestDatabase(f.conn);
});

describe('the exposure inventory: Google Drive', () => {
  it("walks every user's Drive page by page and stores each file shared outside the school, metadata only", async () => {
    const { targets, walker } = await driveWalkerFor(f, ROOMY, 25);
    const progress: InventoryProgress[] = [];
    const summary = await runInventory(f.models, f.school.id, targets.view, walker, { resume: false, concurrency: 4, onProgress: (p) => progress.push(p) });
    expect(summary).toMatchObject({ status: 'done', units: 40, unitsDone: 40, failedUnits: 0, files: 2_400 });
    const expected = exposedIds(users, 'f', (o) => filesOf(SPEC, o));
    expect(expected.length).toBeGreaterThan(40);
    const items = await f.models.inventoryItems.find({ runId: summary.runId }).lean();
    expect(items.map((i) => i.fileId).sort()).toEqual([...expected].sort());
    expect(summary.exposed).toBe(expected.length);
    expect(progress.at(-1)).toMatchObject({ unitsDone: 40, units: 40, files: 2_400, exposed: expected.length });

    // Metadata only: no title, no full outside address, only these fields.
    const allowed = ['_id', 'schoolId', 'source', 'fileId', 'owner', 'ownerIsPupil', 'sharedWithPupils', 'pupilDataLikely', 'mimeCategory', 'modifiedAt', 'shares', 'kinds', 'score', 'priority', 'runId', 'createdAt', 'updatedAt', '__v'];
    for (const i of items) expect(Object.keys(i).filter((k) => !allowed.includes(k))).toEqual([]);
    const stored = JSON.stringify([items, await f.models.inventoryUnits.find({}).lean(), await f.models.inventoryRuns.find({}).lean()]);
    for (const words of ['Lesson notes', 'class list', 'SEN register', 'Pupil premium', 'Attendance', 'visitor@']) expect(stored).not.toContain(words);
    // The titles were still read: files named like pupil data are flagged and rank high.
    const flagged = items.filter((i) => i.pupilDataLikely);
    expect(flagged.length).toBeGreaterThan(0);
    const sample = expected.map((id) => id.split('-').map(Number)).map(([, o, j]) => syntheticFile(SPEC, o as number, j as number, 'f'));
    expect(flagged.length).toBe(sample.filter((s) => !s.name.startsWith('Lesson')).length);
    const anyone = items.find((i) => i.kinds.includes('anyone-with-link'));
    expect(anyone?.shares[0]).toMatchObject({ kind: 'anyone-with-link', permissionId: 'anyoneWithLink' });
    const outside = items.find((i) => i.kinds.includes('external-user'));
    expect(outside?.shares[0]).toMatchObject({ kind: 'external-user', domain: 'partner-outside.example' });
    // A pupil's own file shared with anyone and named like pupil data is high priority.
    for (const i of items.filter((x) => x.ownerIsPupil && x.pupilDataLikely)) expect(i.priority).toBe('high');
    expect(items.every((i) => i.ownerIsPupil === Number(/^user(\d+)@/.exec(i.owner)?.[1]) % 10 < 6)).toBe(true);

    const report = await inventoryReport(f.models, [summary.runId], 5);
    expect(report.exposed).toBe(expected.length);
    expect(report.byKind['anyone-with-link'] + report.byKind['external-domain'] + report.byKind['external-user']).toBe(expected.length);
    expect(report.top).toHaveLength(5);
    expect(report.top[0]!.score).toBeGreaterThanOrEqual(report.top[4]!.score);
  }, 60_000);

  it('resumes after being stopped mid-run: finished users are not read again, none is lost, nothing is stored twice', async () => {
    const { targets, walker } = await driveWalkerFor(f, ROOMY, 25);
    const stop = new AbortController();
    f.standIn.record = true;
    f.standIn.requests.length = 0;
    const first = await runInventory(f.models, f.school.id, targets.view, walker, {
      resume: false,
      concurrency: 3,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.unitsDone >= 15) stop.abort();
      },
    });
    expect(first.status).toBe('running');
    expect(first.unitsDone).toBeGreaterThanOrEqual(15);
    expect(first.unitsDone).toBeLessThan(40);
    const finished = (await f.models.inventoryUnits.find({ runId: first.runId, done: true }).lean()).map((u) => u.user);
    const cut = f.standIn.requests.length;

    const { walker: again } = await driveWalkerFor(f, ROOMY, 25);
    const resumed = await runInventory(f.models, f.school.id, targets.view, again, { resume: true, concurrency: 3 });
    expect(resumed).toMatchObject({ runId: first.runId, resumed: true, status: 'done', units: 40, unitsDone: 40, files: 2_400 });
    const readAgain = f.standIn.requests.slice(cut).filter((r) => r.path.startsWith('/drive/v3/files?'));
    expect(readAgain.length).toBeGreaterThan(0);
    // The stand-in knows the caller by its token; a finished user's Drive is never listed after the resume.
    const tokenUsers = new Set(f.standIn.requests.slice(cut).map((r) => r.user));
    for (const u of finished) expect(tokenUsers.has(String(u))).toBe(false);
    const expected = exposedIds(users, 'f', (o) => filesOf(SPEC, o));
    const items = await f.models.inventoryItems.find({ runId: first.runId }).lean();
    expect(items).toHaveLength(expected.length);
    expect(await f.models.inventoryItems.countDocuments({ source: 'google' })).toBe(expected.length);
    f.standIn.record = false;
  }, 60_000);
});

describe('the exposure inventory: OneDrive and SharePoint', () => {
  it('walks every OneDrive and site library with delta, reading permissions only where someone outside may be named', async () => {
    const before = { ...f.standIn.stats };
    const { targets, walker } = await graphWalkerFor(f, { perMinute: { limit: 100_000, windowMs: 60_000 }, perDay: { limit: 1_000_000, windowMs: 86_400_000 } });
    const summary = await runInventory(f.models, f.school.id, targets.view, walker, { resume: false, concurrency: 4 });
    expect(summary).toMatchObject({ status: 'done', units: 42, unitsDone: 42, failedUnits: 0, files: 2_400 + 100 });
    const expected = [...exposedIds(users, 'i', (o) => filesOf(SPEC, o)), ...exposedIds([1_000_000, 1_000_001], 's', () => SPEC.siteFiles)];
    const items = await f.models.inventoryItems.find({ runId: summary.runId }).lean();
    expect(items.map((i) => i.fileId).sort()).toEqual([...expected].sort());
    expect(items.every((i) => i.driveId && i.source === 'microsoft')).toBe(true);
    // Anyone links are known from the delta page itself; only items shared with named people cost a permissions read.
    const named = items.filter((i) => !i.kinds.includes('anyone-with-link')).length;
    const permissionReads = f.standIn.stats.graphCalls - before.graphCalls - 1 - 42;
    expect(permissionReads).toBeGreaterThanOrEqual(named);
    expect(permissionReads).toBeLessThan(named + 40);
  }, 60_000);
});

describe('fixing what the inventory found: dry run, approval, record', () => {
  it('previews exactly the public link of a Drive file, removes it once on approval and records who and what Google said', async () => {
    const item = await f.models.inventoryItems.findOne({ source: 'google', kinds: 'anyone-with-link' }).lean();
    const itemId = String(item?._id);
    const dryRun = await planInventoryFixes(f.models, f.config, f.school, { itemIds: [itemId], kind: 'remove-public-link', requestedBy: 'it@school.example', now: new Date() });
    expect(dryRun.fixes).toEqual([{ itemId, source: 'google', owner: item?.owner, steps: [{ id: 'anyoneWithLink', who: 'Anyone with the link', what: expect.any(String) }] }]);
    expect(f.standIn.removed.size).toBe(0);

    const approve = () => approveInventoryFixes(f.models, f.config, f.school, { requestId: dryRun.requestId, approvedBy: 'head@school.example', now: new Date() });
    const [a, b] = await Promise.all([approve(), approve()]);
    const done = [...(a ?? []), ...(b ?? [])];
    expect(done.filter((x) => x.results.length === 1 && x.results[0]?.status === 204)).toHaveLength(1);
    expect(done.filter((x) => x.skipped === 'already approved by head@school.example')).toHaveLength(1);
    expect([...f.standIn.removed]).toEqual([`${item?.fileId}/anyoneWithLink`]);
    const record = await f.models.inventoryFixApprovals.findById(`${dryRun.requestId}:${itemId}`).lean();
    expect(record).toMatchObject({ approvedBy: 'head@school.example', results: [{ id: 'anyoneWithLink', status: 204 }] });
    expect(await f.models.inventoryFixes.findById(`${dryRun.requestId}:${itemId}`).lean()).toMatchObject({ requestedBy: 'it@school.example', kind: 'remove-public-link' });

    // Asked again, the dry run finds nothing left to remove and records nothing to approve.
    const again = await planInventoryFixes(f.models, f.config, f.school, { itemIds: [itemId], kind: 'remove-public-link', requestedBy: 'it@school.example', now: new Date() });
    expect(again.fixes[0]).toMatchObject({ steps: [], reason: 'Nothing to remove: the file has no such sharing now.' });
    expect(await approveInventoryFixes(f.models, f.config, f.school, { requestId: again.requestId, approvedBy: 'head@school.example', now: new Date() })).toEqual([]);
  }, 60_000);

  it('removes an outside guest from a OneDrive item through Graph, after its dry run names them', async () => {
    const item = await f.models.inventoryItems.findOne({ source: 'microsoft', kinds: 'external-user' }).lean();
    const itemId = String(item?._id);
    const dryRun = await planInventoryFixes(f.models, f.config, f.school, { itemIds: [itemId], kind: 'remove-external-access', requestedBy: 'it@school.example', now: new Date() });
    expect(dryRun.fixes[0]?.steps).toEqual([{ id: `guest-${item?.fileId}`, who: 'visitor@partner-outside.example', what: expect.any(String) }]);
    const [result] = await approveInventoryFixes(f.models, f.config, f.school, { requestId: dryRun.requestId, approvedBy: 'head@school.example', now: new Date() });
    expect(result?.results).toEqual([{ id: `guest-${item?.fileId}`, status: 204 }]);
    expect(f.standIn.removed.has(`${item?.fileId}/guest-${item?.fileId}`)).toBe(true);
  }, 60_000);
});
