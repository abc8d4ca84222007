import { isDuplicateKey } from '../db/errors.js';
import type { Migration } from '../db/migrations.js';

/**
 * Drops the unique `{schoolId, key}` index earlier releases built on agreement campaigns. A campaign is
 * identified by policy + version + key now, and that old index would still refuse a second policy's campaign
 * issued on the same day (same key) in a database created before the change. Matched by its key pattern,
 * not its name; a database without the collection or the index has nothing to do.
 */
export const DROP_CAMPAIGN_KEY_INDEX: Migration = {
  id: '2026-07-01-agreement-campaigns-drop-school-key-index',
  description: 'drop the old unique {schoolId, key} index on agreement_campaigns (campaigns are identified by policy, version and key)',
  async up(db) {
    const exists = await db.listCollections({ name: 'agreement_campaigns' }, { nameOnly: true }).hasNext();
    if (!exists) return;
    const campaigns = db.collection('agreement_campaigns');
    for (const index of await campaigns.listIndexes().toArray()) {
      const fields = Object.keys(index.key as Record<string, unknown>);
      if (fields.length === 2 && fields[0] === 'schoolId' && fields[1] === 'key') await campaigns.dropIndex(index.name as string);
    }
  },
};

/**
 * Fills the open sends (`agreement_open_sends`, which the send queue now reads instead of every send) with
 * the queued cards of an earlier release that have no outcome yet, so none is stranded by the upgrade.
 * Idempotent: rows are inserted by `_id`, and a row already there is skipped.
 */
export const FILL_OPEN_SENDS: Migration = {
  id: '2026-12-06-agreement-open-sends',
  description: 'copy queued agreement cards without an outcome into agreement_open_sends (what the send queue reads)',
  async up(db) {
    const exists = await db.listCollections({ name: 'agreement_sends' }, { nameOnly: true }).hasNext();
    if (!exists) return;
    const finished = new Set((await db.collection('agreement_send_results').find({}, { projection: { _id: 1 } }).toArray()).map((r) => String(r._id)));
    const open = (await db.collection<{ _id: string }>('agreement_sends').find({}).toArray()).filter((s) => !finished.has(s._id));
    for (let i = 0; i < open.length; i += 500) {
      await db
        .collection<{ _id: string }>('agreement_open_sends')
        .insertMany(open.slice(i, i + 500), { ordered: false })
        .catch((err: unknown) => {
          const e = err as { writeErrors?: unknown[] };
          if (!e.writeErrors || !e.writeErrors.every((w) => isDuplicateKey(w))) throw err;
        });
    }
  },
};
