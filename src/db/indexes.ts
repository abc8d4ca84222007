import type { Model } from 'mongoose';

/** Creates the indexes every model declares (unique keys carry idempotency, so this runs before use). */
export async function ensureIndexes(models: Readonly<Record<string, Pick<Model<unknown>, 'createIndexes'>>>): Promise<void> {
  for (const model of Object.values(models)) await model.createIndexes();
}
