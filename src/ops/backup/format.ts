import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import mongoose from 'mongoose';
import { ErrorCode, LanternError } from '../../errors.js';

/** The archive format this Lantern writes and reads; a newer one is refused rather than half-read. */
export const BACKUP_FORMAT = 1;

/** The last entry of each append-only chain when the backup began; the archive holds exactly up to these. */
export interface IntegrityHeads {
  /** Case id → the timeline's last seq and hash (the case timeline). */
  cases: Record<string, { seq: number; hash: string }>;
  /** School id → the signature evidence chain's last seq and hash. */
  signatures: Record<string, { seq: number; hash: string }>;
  /** School id → the monitoring change log's last seq. */
  monitoringChanges: Record<string, { seq: number }>;
  /** School id → the parents' consent chain's last position and hash (absent in archives made before it existed). */
  consents?: Record<string, { seq: number; hash: string }>;
}

/** An index as listIndexes reports it. */
export type IndexSpec = { key: Record<string, unknown>; name: string } & Record<string, unknown>;

/** The first line of an archive: what it holds and the chain heads it was cut at. */
export interface BackupManifest {
  lantern: 'backup';
  format: number;
  createdAt: string;
  /** The database server's version, for the record. */
  server: string;
  collections: Array<{ name: string; indexes: IndexSpec[] }>;
  heads: IntegrityHeads;
}

/** One document line: the collection and the document in canonical Extended JSON, so ObjectIds, dates and decimals survive. */
export interface DocumentLine {
  c: string;
  d: unknown;
}

/** The last line: how many documents each collection has, so a cut-short archive is noticed. */
export interface EndLine {
  end: true;
  counts: Record<string, number>;
}

const { EJSON } = mongoose.mongo.BSON;

/** A document as one archive line. */
export function documentLine(collection: string, doc: unknown): string {
  return JSON.stringify({ c: collection, d: EJSON.serialize(doc, { relaxed: false }) });
}

/** The stored document of a document line (types restored). */
export function documentOf(line: DocumentLine): Record<string, unknown> {
  return EJSON.deserialize(line.d as Record<string, unknown>, { relaxed: false }) as Record<string, unknown>;
}

function invalid(file: string, why: string, cause?: unknown): LanternError {
  return new LanternError(ErrorCode.BackupInvalid, `${file} is not a complete Lantern backup: ${why}. Nothing was changed; restore from another copy.`, cause === undefined ? {} : { cause });
}

/** Streams an archive's lines after the manifest, parsed; throws BackupInvalid on damage of any kind. */
export async function* readArchive(file: string): AsyncGenerator<BackupManifest | DocumentLine | EndLine> {
  const gunzip = createGunzip();
  const input = createReadStream(file);
  input.on('error', (err) => gunzip.destroy(err));
  const lines = createInterface({ input: input.pipe(gunzip), crlfDelay: Infinity });
  let n = 0;
  let ended = false;
  try {
    for await (const text of lines) {
      n += 1;
      if (ended) throw invalid(file, `line ${n} follows the end marker`);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        throw invalid(file, `line ${n} is not JSON`, err);
      }
      const o = (value ?? {}) as Record<string, unknown>;
      if (n === 1) {
        if (o.lantern !== 'backup' || typeof o.format !== 'number' || !Array.isArray(o.collections) || typeof o.heads !== 'object') throw invalid(file, 'its first line is not a backup manifest');
        if (o.format > BACKUP_FORMAT) throw invalid(file, `it is format ${o.format}, newer than this Lantern reads (${BACKUP_FORMAT}); upgrade Lantern first`);
        yield o as unknown as BackupManifest;
      } else if (o.end === true && typeof o.counts === 'object') {
        ended = true;
        yield o as unknown as EndLine;
      } else if (typeof o.c === 'string' && typeof o.d === 'object' && o.d !== null) {
        yield o as unknown as DocumentLine;
      } else throw invalid(file, `line ${n} is neither a document nor the end marker`);
    }
  } catch (err) {
    if (err instanceof LanternError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new LanternError(ErrorCode.BackupInvalid, `There is no file ${file}: check the path given to --in.`, { cause: err });
    throw invalid(file, code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' ? 'its compressed data is damaged or cut short' : (err as Error).message, err);
  }
  if (n === 0) throw invalid(file, 'it is empty');
  if (!ended) throw invalid(file, 'it ends before its end marker (the file was cut short)');
}

/** Reads the whole archive once without storing documents: the manifest, and checks every line and the counts. */
export async function checkArchive(file: string): Promise<{ manifest: BackupManifest; counts: Record<string, number> }> {
  let manifest: BackupManifest | undefined;
  const seen: Record<string, number> = {};
  let declared: Record<string, number> = {};
  for await (const line of readArchive(file)) {
    if ('lantern' in line) manifest = line;
    else if ('end' in line) declared = line.counts;
    else {
      try {
        documentOf(line);
      } catch (err) {
        throw invalid(file, `a document of ${line.c} is not valid Extended JSON`, err);
      }
      seen[line.c] = (seen[line.c] ?? 0) + 1;
    }
  }
  if (!manifest) throw invalid(file, 'it has no manifest');
  for (const name of new Set([...Object.keys(seen), ...Object.keys(declared)])) {
    if ((seen[name] ?? 0) !== (declared[name] ?? 0)) throw invalid(file, `${name} should hold ${declared[name] ?? 0} document(s) but the archive has ${seen[name] ?? 0}`);
  }
  return { manifest, counts: declared };
}
