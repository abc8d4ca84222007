import type { Model } from 'mongoose';

/**
 * Whether a model's collection exists yet. A capability that has never stored anything for any school is
 * "not set up", which readers such as the governors' digest report differently from "nothing this week".
 */
export async function collectionExists(model: Pick<Model<never>, 'db' | 'collection'>): Promise<boolean> {
  const db = model.db.db;
  if (!db) return false;
  const found = await db.listCollections({ name: model.collection.collectionName }, { nameOnly: true }).toArray();
  return found.length > 0;
}
