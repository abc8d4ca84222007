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
