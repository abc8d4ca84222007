import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarOf } from '../../src/agreements/academic-year.js';
import { recordSignature, recordHash, genesisHash } from '../../src/agreements/evidence.js';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import type { AgreementSignature } from '../../src/agreements/signature-model.js';
import { verifyChain } from '../../src/agreements/verify.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { applyCommand } from '../../src/cases/act.js';
import { hashEntry } from '../../src/cases/chain.js';
import { openCase } from '../../src/cases/open.js';
import type { TimelineEntry } from '../../src/cases/timeline-model.js';
import { verifyCases } from '../../src/cases/verify.js';
import { runMigrations } from '../../src/db/migrations.js';
import { demoDirectory } from '../../src/directory/demo-directory.js';
import { syncDirectory } from '../../src/directory/sync.js';
import { formatHead, parseHead, shortFingerprint } from '../../src/integrity/heads.js';
import { openIntegrityKey } from '../../src/integrity/key.js';
import { createLogger } from '../../src/log/logger.js';
import { changeHash, verifyChangeLog, type ChangeContent } from '../../src/monitoring/change-chain.js';
import { addTrustedDomain } from '../../src/monitoring/changes.js';
import { recordChange } from '../../src/monitoring/settings-store.js';
import { sealExistingEntries } from '../../src/ops/integrity/anchor.js';
import { schoolHeads } from '../../src/ops/integrity/heads.js';
import { describeIntegrity, verifyIntegrity } from '../../src/ops/integrity/verify.js';
import { loadConfig } from '../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { demoSchool, fakeClock, makeCaseInput, MARK, RUTH } from '../cases/fixtures.js';

const school = demoSchool();
const key = openIntegrityKey({ key: randomBytes(32).toString('hex'), keyFile: null, generate: false })!;
let conn: Connection;
let models: Models;

beforeAll(async () => {
  conn = await connectTestDatabase('integrity');
  models = createModels(conn, key);
  await ensureIndexes(models);
  await syncDirectory(models.people, school.id, demoDirectory());
});
afterAll(async () => dropTestDatabase(conn));

/** What a database administrator can do: rewrite a case's whole timeline with recomputed hashes. */
async function rewriteTimeline(caseId: string, edit: (e: TimelineEntry) => void): Promise<void> {
  const entries = await models.caseTimeline.find({ caseId }).sort({ seq: 1 }).lean<TimelineEntry[]>();
  let prevHash = '';
  for (const e of entries) {
    edit(e);
    e.prevHash = prevHash;
    e.hash = hashEntry(e);
    prevHash = e.hash;
    await models.caseTimeline.collection.replaceOne({ caseId, seq: e.seq }, e);
  }
}

/** The same for the signature chain: record 2's outcome changed, every hash after it recomputed. */
async function rewriteSignatures(outcome: string): Promise<void> {
  const records = await models.agreementSignatures.find({ schoolId: school.id }).sort({ seq: 1 }).lean<AgreementSignature[]>();
  let prevHash = genesisHash(school.id);
  for (const r of records) {
    if (r.seq === 2) r.outcome = outcome;
    r.prevHash = prevHash;
    r.hash = recordHash(r);
    prevHash = r.hash;
    await models.agreementSignatures.collection.replaceOne({ schoolId: school.id, seq: r.seq }, r);
  }
  await models.agreementChainHeads.collection.updateOne({ _id: school.id as never }, { $set: { hash: prevHash } });
}

async function openWorkedCase() {
  const clock = fakeClock(new Date('2026-10-01T09:00:00Z'));
  const { caseId } = await openCase(models, school, makeCaseInput(), clock());
  await applyCommand(models, school.id, caseId, RUTH, { kind: 'acknowledge' }, clock);
  await applyCommand(models, school.id, caseId, RUTH, { kind: 'assign', to: MARK }, clock);
  await applyCommand(models, school.id, caseId, MARK, { kind: 'note', text: 'Spoke to the pupil.' }, clock);
  return caseId;
}

describe('integrity anchored outside the database', () => {
  it('finds a case timeline rewritten end to end with recomputed hashes, which the hash chain alone calls intact', async () => {
    const caseId = await openWorkedCase();
    expect((await verifyCases(models, school.id)).issues).toEqual([]);
    await rewriteTimeline(caseId, (e) => {
      if (e.action === 'note') e.note = 'Nothing to report.';
    });
    expect((await verifyCases({ ...models, integrity: null }, school.id)).issues).toEqual([]);
    const unkeyed = describeIntegrity(await verifyIntegrity({ ...models, integrity: null }, [school.id], [])).join('\n');
    expect(unkeyed).toContain('Key: none configured, so seals were not checked');
    expect(unkeyed).toContain('Result: intact.');
    const report = await verifyCases(models, school.id);
    expect(report.issues.map((i) => i.kind)).toEqual(['forged']);
    expect(report.issues[0]).toMatchObject({ caseId, seq: 4 });
    await rewriteTimeline(caseId, (e) => {
      if (e.action === 'note') e.note = 'Spoke to the pupil.';
    });
  });

  it('finds a signature chain rewritten end to end with recomputed hashes', async () => {
    const template = findTemplate(loadPolicyLibrary(), 'staff-aua');
    const { version } = await publishVersion(models, template, { schoolId: school.id, by: 'test', clock: () => new Date('2026-09-01T00:00:00Z') });
    for (const signer of ['staff-001', 'staff-002', 'staff-003']) await recordSignature(models, { schoolId: school.id, versionId: version._id, signerId: signer, channel: 'teams' }, calendarOf(school), () => new Date('2026-10-02T09:00:00Z'));
    expect((await verifyChain(models, school.id)).ok).toBe(true);
    await rewriteSignatures('declined');
    expect((await verifyChain({ ...models, integrity: null }, school.id)).ok).toBe(true);
    const report = await verifyChain(models, school.id);
    expect(report.issues.map((i) => [i.kind, i.seq])).toEqual([['forged', 2], ['forged', 3]]);
    await rewriteSignatures('agreed');
    expect((await verifyChain(models, school.id)).ok).toBe(true);
  });

  it('finds a monitoring change whose reason was rewritten, and an entry added without a seal', async () => {
    const author = { who: 'r.okafor@northgate.example', why: 'Council moved to a new domain', at: new Date('2026-10-03T09:00:00Z') };
    await recordChange(models, school.id, (s) => addTrustedDomain(s, 'northshire.gov.example', author));
    expect((await verifyChangeLog(models, school.id, key)).issues).toEqual([]);
    await models.monitoringChanges.collection.updateOne({ schoolId: school.id, seq: 1 }, { $set: { why: 'Approved by the head' } });
    const doc = { schoolId: school.id, seq: 2, at: new Date('2026-10-03T10:00:00Z'), who: 'x@northgate.example', why: 'test', what: { type: 'trusted_domain.add', domain: 'evil.example' } };
    await models.monitoringChanges.collection.insertOne(doc);
    const report = await verifyChangeLog(models, school.id, key);
    expect(report.issues.map((i) => [i.kind, i.seq])).toEqual([['forged', 1], ['unsealed', 2]]);
    await models.monitoringChanges.collection.deleteOne({ schoolId: school.id, seq: 2 });
    await models.monitoringChanges.collection.updateOne({ schoolId: school.id, seq: 1 }, { $set: { why: author.why } });
    expect(changeHash((await models.monitoringChanges.findOne({ schoolId: school.id, seq: 1 }).lean()) as ChangeContent)).toBeTruthy();
  });

  it('finds the newest entry deleted and the counter lowered, against a published head, though the chain alone passes', async () => {
    const caseId = await openWorkedCase();
    const published = await schoolHeads(models, school.id, new Date('2026-10-31T00:00:00Z'));
    const before = await verifyIntegrity(models, [school.id], published);
    expect(before.ok, describeIntegrity(before).join('\n')).toBe(true);

    const newest = await models.caseTimeline.findOne({ caseId }).sort({ seq: -1 }).lean<TimelineEntry>();
    await models.caseTimeline.collection.deleteOne({ caseId, seq: newest!.seq });
    await models.cases.collection.updateOne({ caseId }, { $set: { version: newest!.seq - 1, assignee: MARK, status: 'investigating' } });
    const lastSig = await models.agreementSignatures.findOne({ schoolId: school.id }).sort({ seq: -1 }).lean<AgreementSignature>();
    await models.agreementSignatures.collection.deleteOne({ schoolId: school.id, seq: lastSig!.seq });
    await models.agreementChainHeads.collection.updateOne({ _id: school.id as never }, { $set: { seq: lastSig!.seq - 1 } });

    const withoutHeads = await verifyIntegrity(models, [school.id], []);
    expect(withoutHeads.chains.flatMap((c) => c.problems)).toEqual([]);
    // The governors' digest printed the short form; it is enough to compare against.
    const fromDigest = published.map((h) => parseHead(formatHead(h).replace(h.fingerprint, shortFingerprint(h).split(' ').slice(0, 3).join(' '))));
    const report = await verifyIntegrity(models, [school.id], fromDigest);
    expect(report.ok).toBe(false);
    expect(report.heads.map((h) => [h.published.chain, h.matches])).toEqual([['cases', false], ['signatures', false], ['monitoring', true], ['consents', true]]);
    const text = describeIntegrity(report).join('\n');
    expect(text).toContain(`Key: ${key.id}`);
    expect(text).toMatch(/✗ head northgate case timelines up to 2026-10-31T00:00:00.000Z: published \d+ entries/);
    expect(text).toContain('Keep: a copy of the integrity key');
  });

  it('seals entries written before sealing once, and says when; an unsealed entry found later is reported, not sealed', async () => {
    const unkeyed = createModels(conn, null);
    const { caseId } = await openCase(unkeyed, school, makeCaseInput(), new Date('2026-11-01T09:00:00Z'));
    expect((await verifyCases(models, school.id)).issues).toMatchObject([{ caseId, kind: 'unsealed' }]);
    const migratedAt = new Date('2026-12-06T03:00:00Z');
    const logger = createLogger({ level: 'silent' });
    const outcome = await runMigrations(conn.db!, [sealExistingEntries(key, () => migratedAt)], { owner: 'test', logger });
    expect(outcome.ran).toHaveLength(1);
    const report = await verifyIntegrity(models, [school.id], []);
    expect(report.ok, describeIntegrity(report).join('\n')).toBe(true);
    const cases = report.chains.find((c) => c.chain === 'cases')!;
    expect(cases.seals).toMatchObject({ anchoredByMigration: 1, anchoredAt: migratedAt, unsealed: 0, forged: 0 });
    expect(describeIntegrity(report).join('\n')).toContain('1 written before 2026-12-06T03:00:00.000Z were sealed at migration time');

    await openCase(unkeyed, school, makeCaseInput(), new Date('2026-12-07T09:00:00Z'));
    const again = await runMigrations(conn.db!, [sealExistingEntries(key, () => new Date())], { owner: 'test', logger });
    expect(again.alreadyDone).toHaveLength(1);
    expect((await verifyCases(models, school.id)).issues.map((i) => i.kind)).toEqual(['unsealed']);
  });
});

describe('integrity key', () => {
  it('generates the demo key 0600 once, and refuses a configured key file that is missing or malformed', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-key-'));
    const file = path.join(dir, 'data', 'integrity.key');
    const first = openIntegrityKey({ key: null, keyFile: file, generate: true })!;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(openIntegrityKey({ key: null, keyFile: file, generate: true })!.id).toBe(first.id);
    expect(() => openIntegrityKey({ key: null, keyFile: path.join(dir, 'none.key'), generate: false })).toThrow(/does not exist; create it with/);
    writeFileSync(path.join(dir, 'short.key'), 'abcd\n');
    expect(() => openIntegrityKey({ key: null, keyFile: path.join(dir, 'short.key'), generate: false })).toThrow(/at least 64 hex/);
    expect(openIntegrityKey({ key: null, keyFile: null, generate: false })).toBeNull();
  });

  it('reads its source from the environment or the config, and makes a key only for the demo', () => {
    expect(loadConfig({ env: {}, cwd: '/srv/l' }).integrity).toEqual({ key: null, keyFile: '/srv/l/.lantern/data/integrity.key', generate: true });
    expect(loadConfig({ env: { LANTERN_INTEGRITY_KEY_FILE: 'keys/k' }, cwd: '/srv/l' }).integrity).toEqual({ key: null, keyFile: '/srv/l/keys/k', generate: false });
    expect(() => loadConfig({ env: { LANTERN_INTEGRITY_KEY: 'not-hex' }, cwd: '/srv/l' })).toThrow(/LANTERN_INTEGRITY_KEY: must be at least 64 hex characters/);
  });

  it('refuses a head that is not one Lantern printed, naming the form', () => {
    expect(() => parseHead('northgate/cases/yesterday/3/abc')).toThrow(/school\/chain\/time\/entries\/fingerprint/);
  });
});
