import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoAgreements } from '../../src/agreements/demo-seed.js';
import { recordSignature } from '../../src/agreements/evidence.js';
import { loadConfig } from '../../src/config/load.js';
import { applyCommand } from '../../src/cases/act.js';
import { seedDemoCases } from '../../src/dashboard/demo-cases.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { demoDirectory } from '../../src/directory/demo-directory.js';
import { syncDirectory } from '../../src/directory/sync.js';
import { ErrorCode, isLanternError } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';
import { addTrustedDomain } from '../../src/monitoring/changes.js';
import { recordChange } from '../../src/monitoring/settings-store.js';
import { createBackup, userCollections } from '../../src/ops/backup/create.js';
import { restoreBackup } from '../../src/ops/backup/restore.js';
import { appendConsent, type ConsentInput } from '../../src/parents/consents.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { calendarOf } from '../../src/agreements/academic-year.js';

// The demo school's calendar: 1 September, Europe/London.
const calendar = calendarOf({ timezone: 'Europe/London' });
const config = loadConfig({ env: {}, cwd: os.tmpdir() });
const school = config.schools[0]!;
const logger = createLogger({ level: 'silent' });
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-backup-'));
const archive = path.join(dir, 'lantern.backup.jsonl.gz');

let source: Connection;
let sourceModels: Models;
const opened: Connection[] = [];

/** A fresh database as `openDatabase` leaves it: every model's collection and indexes, no documents. */
async function freshDatabase(): Promise<{ conn: Connection; models: Models }> {
  const conn = await connectTestDatabase('restore');
  opened.push(conn);
  const models = createModels(conn);
  await ensureIndexes(models);
  return { conn, models };
}

/** Every collection's documents (by _id) and index definitions, for comparing two databases. */
async function snapshot(conn: Connection) {
  const db = conn.db!;
  const out: Record<string, { docs: unknown[]; indexes: unknown[] }> = {};
  for (const name of await userCollections(db)) {
    const docs = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    const indexes = (await db.collection(name).listIndexes().toArray()).map(({ v: _v, ns: _ns, ...rest }) => rest).sort((a, b) => String(a.name).localeCompare(String(b.name)));
    out[name] = { docs, indexes };
  }
  return out;
}

beforeAll(async () => {
  source = await connectTestDatabase('backup');
  const models = (sourceModels = createModels(source));
  await ensureIndexes(models);
  const now = new Date('2026-03-10T09:00:00Z');
  await syncDirectory(models.people, school.id, demoDirectory());
  await seedDemoAgreements(models, config, logger, now);
  for (const signer of ['staff-001', 'staff-002', 'staff-003']) await recordSignature(models, { schoolId: school.id, versionId: `${school.id}:staff-aua:v1`, signerId: signer, channel: 'teams' }, calendar, () => now);
  await seedDemoCases(models, school, now, logger);
  await recordChange(models, school.id, (s) => addTrustedDomain(s, 'county.gov.uk', { who: 'Ruth Okafor', why: 'Local authority', at: now }));
  for (const pupilId of ['pupil-001', 'pupil-002']) await appendConsent(models, consentBy(pupilId), now);
  await source.db!.collection('migrations').insertOne({ _id: 'test-migration' as never, state: 'done' });
}, 120_000);

/** A parent's "yes" to photos for one pupil: an answer in the school's consent chain. */
function consentBy(pupilId: string): ConsentInput {
  return { schoolId: school.id, pupilId, kind: 'photos', decision: 'given', parentId: 'parent-001', typedName: 'A Parent', tokenHash: 'h' };
}

afterAll(async () => {
  await dropTestDatabase(source);
  for (const conn of opened) await dropTestDatabase(conn);
});

describe('lantern backup and restore', () => {
  it('round-trips every collection, document and index through backup → wipe → restore, and the chains verify', async () => {
    const before = await snapshot(source);
    const summary = await createBackup(source.db!, archive, new Date());
    expect(summary.counts.agreement_signatures).toBe(3);
    expect(summary.counts.case_timeline).toBeGreaterThan(3);
    expect(Object.keys(summary.manifest.heads.cases)).toHaveLength(3);
    expect(summary.manifest.heads.signatures[school.id]?.seq).toBe(3);
    expect(summary.manifest.heads.monitoringChanges[school.id]?.seq).toBe(1);
    expect(summary.manifest.heads.consents?.[school.id]?.seq).toBe(2);

    // Wipe: the database as `openDatabase` finds it after it was lost, collections and indexes but no documents.
    await source.dropDatabase();
    await ensureIndexes(sourceModels);
    const report = await restoreBackup({ db: source.db!, models: sourceModels }, archive, { force: false });
    expect(report.problems).toEqual([]);
    expect(report.casesChecked).toBe(3);
    expect(await snapshot(source)).toEqual(before);
  }, 120_000);

  it('cuts the chained collections at the heads read first, so records appended while it runs are left out and it still verifies', async () => {
    const models = sourceModels;
    const file = path.join(dir, 'during.jsonl.gz');
    const [someCase] = await models.cases.find({}).lean<Array<{ caseId: string }>>();
    const db = source.db!;
    // Lantern keeps working during the backup: a signature and a case note land after the heads were read.
    const busy = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop !== 'listCollections') return Reflect.get(target, prop, receiver);
        return (...args: Parameters<typeof db.listCollections>) => ({
          toArray: async () => {
            await recordSignature(models, { schoolId: school.id, versionId: `${school.id}:staff-aua:v1`, signerId: 'staff-004', channel: 'teams' }, calendar);
            await appendConsent(models, consentBy('pupil-003'), new Date());
            await applyCommand(models, school.id, someCase!.caseId, { email: 'r.okafor@northgate.example', name: 'Ruth Okafor' }, { kind: 'note', text: 'Added during the backup.' }, () => new Date());
            return target.listCollections(...args).toArray();
          },
        });
      },
    });
    const summary = await createBackup(busy, file, new Date());
    expect(summary.counts.agreement_signatures).toBe(3);
    expect(await models.agreementSignatures.countDocuments({})).toBe(4);
    expect(summary.counts.parent_consents).toBe(2);
    expect(await models.parentConsents.countDocuments({})).toBe(3);

    const target = await freshDatabase();
    const report = await restoreBackup({ db: target.conn.db!, models: target.models }, file, { force: false });
    expect(report.problems).toEqual([]);
    expect(await target.models.agreementSignatures.countDocuments({})).toBe(3);
    expect(await target.models.parentConsents.countDocuments({})).toBe(2);
  }, 120_000);

  it('refuses to restore into a database that holds data without --force, and changes nothing', async () => {
    const target = await freshDatabase();
    await target.models.people.create({ schoolId: 'other', personId: 'p1', email: 'x@other.example', displayName: 'X', role: 'staff' });
    const before = await snapshot(target.conn);
    await expect(restoreBackup({ db: target.conn.db!, models: target.models }, archive, { force: false })).rejects.toSatisfy((e) => isLanternError(e, ErrorCode.RestoreRefused) && /--force/.test((e as Error).message));
    expect(await snapshot(target.conn)).toEqual(before);

    const report = await restoreBackup({ db: target.conn.db!, models: target.models }, archive, { force: true });
    expect(report.problems).toEqual([]);
    expect(await target.models.people.countDocuments({ schoolId: 'other' })).toBe(0);
  }, 120_000);

  it.each([
    ['cut short', (bytes: Buffer) => bytes.subarray(0, Math.floor(bytes.length * 0.6)), /compressed data is damaged or cut short|cut short/],
    ['missing its last lines', (bytes: Buffer) => gzipSync(gunzipSync(bytes).toString('utf8').trimEnd().split('\n').slice(0, -3).join('\n')), /cut short/],
    ['with a document line removed', (bytes: Buffer) => {
      const lines = gunzipSync(bytes).toString('utf8').trimEnd().split('\n');
      lines.splice(5, 1);
      return gzipSync(lines.join('\n'));
    }, /should hold \d+ document\(s\) but the archive has/],
    ['not gzip at all', () => Buffer.from('{"lantern":"backup"}\n'), /damaged or cut short/],
  ])('rejects an archive %s with a clear error and changes nothing', async (_name, damage, message) => {
    const file = path.join(dir, `damaged-${_name.replace(/\W+/g, '-')}.gz`);
    writeFileSync(file, damage(readFileSync(archive)));
    const target = await freshDatabase();
    const before = await snapshot(target.conn);
    await expect(restoreBackup({ db: target.conn.db!, models: target.models }, file, { force: true })).rejects.toSatisfy((e) => isLanternError(e, ErrorCode.BackupInvalid) && message.test((e as Error).message) && /Nothing was changed/.test((e as Error).message));
    expect(await snapshot(target.conn)).toEqual(before);
  }, 60_000);
});
