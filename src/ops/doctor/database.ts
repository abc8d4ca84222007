import type { OpenDatabase } from '../../stores.js';
import { fail, ok, reason, type CheckResult } from './check.js';

/** The server's version, a probe document written, read back and deleted, and every declared index present. */
export async function checkDatabase(database: OpenDatabase): Promise<CheckResult[]> {
  const db = database.connection.db!;
  const out: CheckResult[] = [];
  try {
    const info = await db.admin().command({ buildInfo: 1 });
    const probes = db.collection<{ _id: string; at: Date }>('doctor_probes');
    const id = `probe:${process.pid}:${Date.now()}`;
    await probes.insertOne({ _id: id, at: new Date() });
    const back = await probes.findOne({ _id: id });
    await probes.deleteOne({ _id: id });
    if (!back) return [fail('database', `${database.description}: a probe document written was not read back`, 'check the database user may read and write the Lantern database')];
    out.push(ok('database', `${database.description}, server version ${String(info.version)}; write, read and delete work`));
  } catch (err) {
    return [fail('database', `${database.description}: ${reason(err)}`, 'check MONGODB_URI, that the server is running and that its user may read and write')];
  }
  const missing: string[] = [];
  const { integrity, signatureAppends: _appends, caseBatches: _batches, ...collections } = database.models;
  for (const model of Object.values(collections)) {
    const present = new Set((await model.collection.listIndexes().toArray().catch(() => [])).map((i) => JSON.stringify(i.key)));
    for (const [fields] of model.schema.indexes()) if (!present.has(JSON.stringify(fields))) missing.push(`${model.collection.collectionName} ${JSON.stringify(fields)}`);
  }
  out.push(missing.length === 0
    ? ok('database indexes', `every index the ${Object.keys(collections).length} collections declare exists`)
    : fail('database indexes', `missing: ${missing.join('; ')}`, 'start Lantern once (it creates its indexes) and look in its log for the index that failed'));
  out.push(integrity
    ? ok('integrity key', `chain entries are sealed with key ${integrity.id} (${integrity.source}); keep a copy of it away from the database server`)
    : fail('integrity key', 'no integrity key: anyone who can write to the database could rewrite the case timelines, signature evidence and monitoring change log undetected', 'run `openssl rand -hex 32 > /etc/lantern/integrity.key` (chmod 600), set integrity.keyFile in the config (or LANTERN_INTEGRITY_KEY) and restart; keep a copy of the key off the database server'));
  return out;
}
