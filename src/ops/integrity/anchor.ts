import type { Migration } from '../../db/migrations.js';
import type { IntegrityKey } from '../../integrity/key.js';
import { sealOf, type ChainName } from '../../integrity/seal.js';
import { changeHash, type ChangeContent } from '../../monitoring/change-chain.js';

const SEALED_COLLECTIONS: ReadonlyArray<{ collection: string; chain: ChainName; hashOf: (doc: Record<string, unknown>) => string }> = [
  { collection: 'case_timeline', chain: 'cases', hashOf: (d) => String(d.hash) },
  { collection: 'agreement_signatures', chain: 'signatures', hashOf: (d) => String(d.hash) },
  { collection: 'monitoring_changes', chain: 'monitoring', hashOf: (d) => changeHash(d as unknown as ChangeContent) },
];

/**
 * Seals, once, every entry written before Lantern sealed entries (or before the school set a key): each gets
 * a MAC and `anchoredAt`, the migration's time, which verify reports ("entries before X were sealed at
 * migration time"). Their content before that moment rests on the hash chain alone. Runs once per database
 * (runMigrations): an entry without a seal found later is reported, never sealed, so a rewrite is not laundered.
 */
export function sealExistingEntries(key: IntegrityKey, clock: () => Date = () => new Date()): Migration {
  return {
    id: '2026-12-06-integrity-seal-existing-entries',
    description: 'seal the case timelines, signature evidence and monitoring change log written before entries were sealed',
    async up(db) {
      const anchoredAt = clock();
      for (const { collection, chain, hashOf } of SEALED_COLLECTIONS) {
        const docs = db.collection(collection).find({ mac: { $exists: false } });
        for await (const doc of docs) {
          const mac = sealOf(key, chain, hashOf(doc), anchoredAt);
          await db.collection(collection).updateOne({ _id: doc._id, mac: { $exists: false } }, { $set: { mac, anchoredAt } });
        }
      }
    },
  };
}
