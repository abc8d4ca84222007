import type mongoose from 'mongoose';
import { verifyChain } from '../../agreements/verify.js';
import { verifyCases } from '../../cases/verify.js';
import type { Models } from '../../stores.js';
import { ErrorCode, LanternError } from '../../errors.js';
import { userCollections } from './create.js';
import { checkArchive, documentOf, readArchive, type BackupManifest, type IndexSpec } from './format.js';
import { checkChangeLogs, compareHeads } from './heads.js';

type Db = mongoose.mongo.Db;

const BATCH = 500;
/** listIndexes fields that describe an index rather than define it. */
const NOT_OPTIONS = new Set(['v', 'ns', 'key', 'name']);

/** What a restore did and what verifying the chains found afterwards. */
export interface RestoreReport {
  manifest: BackupManifest;
  counts: Record<string, number>;
  /** One line per chain (cases, each school's signatures, each school's change log) that does not verify. */
  problems: string[];
  casesChecked: number;
  signatureChains: number;
}

/** The collections of `db` that hold at least one document. */
async function nonEmpty(db: Db): Promise<string[]> {
  const out: string[] = [];
  for (const name of await userCollections(db)) if ((await db.collection(name).countDocuments({}, { limit: 1 })) > 0) out.push(name);
  return out;
}

function indexModel(spec: IndexSpec): mongoose.mongo.IndexDescription {
  const options = Object.fromEntries(Object.entries(spec).filter(([k]) => !NOT_OPTIONS.has(k)));
  return { ...options, key: spec.key as Record<string, mongoose.mongo.IndexDirection>, name: spec.name };
}

/**
 * Restores an archive into `db`. The whole archive is read and checked first, so a damaged one changes
 * nothing; a database holding any document is left alone unless `force` (then every collection is dropped
 * first). Afterwards every chain is verified with the same checks as `lantern cases verify` and
 * `lantern evidence verify`, and compared with the heads the archive recorded.
 */
export async function restoreBackup(target: { db: Db; models: Models }, file: string, options: { force: boolean }): Promise<RestoreReport> {
  const { db } = target;
  const { manifest, counts } = await checkArchive(file);
  const occupied = await nonEmpty(db);
  if (occupied.length > 0 && !options.force) {
    throw new LanternError(
      ErrorCode.RestoreRefused,
      `The database already holds data (${occupied.slice(0, 5).join(', ')}${occupied.length > 5 ? ', …' : ''}); nothing was restored. Restore into an empty database, or add --force to replace everything in it with the backup.`,
    );
  }
  if (options.force) for (const name of await userCollections(db)) await db.collection(name).drop();

  let batch: Record<string, unknown>[] = [];
  let batchOf = '';
  const flush = async () => {
    if (batch.length > 0) await db.collection(batchOf).insertMany(batch, { ordered: true });
    batch = [];
  };
  for await (const line of readArchive(file)) {
    if (!('c' in line)) continue;
    if (line.c !== batchOf || batch.length >= BATCH) {
      await flush();
      batchOf = line.c;
    }
    batch.push(documentOf(line));
  }
  await flush();
  for (const { name, indexes } of manifest.collections) {
    const existing = new Set((await db.collection(name).listIndexes().toArray().catch(() => [])).map((i) => String(i.name)));
    if (existing.size === 0) await db.createCollection(name);
    // One at a time and only the missing ones: FerretDB drops the connection when a createIndexes lists several existing indexes.
    for (const spec of indexes.filter((i) => !existing.has(i.name))) await db.collection(name).createIndexes([indexModel(spec)]);
  }

  const problems: string[] = [];
  const cases = await verifyCases(target.models);
  for (const issue of cases.issues.filter((i) => i.kind !== 'cache-stale')) problems.push(`case ${issue.caseNumber}${issue.seq === null ? '' : ` entry ${issue.seq}`}: ${issue.message}`);
  const schools = Object.keys(manifest.heads.signatures);
  for (const schoolId of schools) {
    const report = await verifyChain(target.models, schoolId);
    for (const issue of report.issues) problems.push(`signatures of ${schoolId} at ${issue.seq}: ${issue.detail}`);
  }
  problems.push(...(await checkChangeLogs(db, manifest.heads)), ...(await compareHeads(db, manifest.heads)));
  return { manifest, counts, problems, casesChecked: cases.checked, signatureChains: schools.length };
}
