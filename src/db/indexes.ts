import type { Model } from 'mongoose';

function isModel(value: unknown): value is Pick<Model<unknown>, 'createIndexes'> {
  return typeof (value as { createIndexes?: unknown } | null)?.createIndexes === 'function';
}

/** Creates the indexes every model declares (unique keys carry idempotency, so this runs before use); other members are skipped. */
export async function ensureIndexes(models: Readonly<Record<string, unknown>>): Promise<void> {
  for (const model of Object.values(models)) if (isModel(model)) await model.createIndexes();
}
