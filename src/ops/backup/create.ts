import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type mongoose from 'mongoose';
import { BACKUP_FORMAT, documentLine, type BackupManifest, type IndexSpec } from './format.js';
import { readIntegrityHeads, withinHeads } from './heads.js';

type Db = mongoose.mongo.Db;

/** What a backup wrote. */
export interface BackupSummary {
  file: string;
  counts: Record<string, number>;
  manifest: BackupManifest;
}

/** The collections a backup copies: every one in the database except the server's own. */
export async function userCollections(db: Db): Promise<string[]> {
  const list = await db.listCollections({}, { nameOnly: true }).toArray();
  return list.map((c) => c.name).filter((n) => !n.startsWith('system.')).sort();
}

/**
 * Writes every collection and its indexes to `file` as gzip-compressed JSON Lines (Extended JSON). Nothing is
 * paused: the chained collections are cut at the heads read first (see readIntegrityHeads), and the cases and
 * chain heads are written exactly as read then. Written to `file.partial` and renamed, so a failed backup never
 * leaves a half file under the name asked for.
 */
export async function createBackup(db: Db, file: string, now: Date): Promise<BackupSummary> {
  const { heads, cases, chainHeads } = await readIntegrityHeads(db);
  const names = await userCollections(db);
  const collections: BackupManifest['collections'] = [];
  for (const name of names) collections.push({ name, indexes: (await db.collection(name).listIndexes().toArray()) as IndexSpec[] });
  const info = await db.admin().command({ buildInfo: 1 }).catch(() => ({}) as Record<string, unknown>);
  const manifest: BackupManifest = { lantern: 'backup', format: BACKUP_FORMAT, createdAt: now.toISOString(), server: String(info.version ?? 'unknown'), collections, heads };
  const counts: Record<string, number> = {};

  async function* lines(): AsyncGenerator<string> {
    yield `${JSON.stringify(manifest)}\n`;
    for (const name of names) {
      counts[name] = 0;
      const fixed = name === 'cases' ? cases : name === 'agreement_chain_heads' ? chainHeads : undefined;
      const docs = fixed ?? db.collection(name).find({}).sort({ _id: 1 });
      for await (const doc of docs) {
        if (!withinHeads(heads, name, doc)) continue;
        counts[name] += 1;
        yield `${documentLine(name, doc)}\n`;
      }
    }
    yield `${JSON.stringify({ end: true, counts })}\n`;
  }

  const partial = `${file}.partial`;
  try {
    await pipeline(Readable.from(lines()), createGzip(), createWriteStream(partial));
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return { file, counts, manifest };
}
