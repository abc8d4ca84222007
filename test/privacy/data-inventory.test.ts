import { readFileSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { createModels } from '../../src/stores.js';

const INVENTORY = path.resolve(import.meta.dirname, '..', '..', 'docs', 'privacy', 'data-inventory.md');

/** collection → the fields docs/privacy/data-inventory.md lists for it. */
function documented(): Map<string, string[]> {
  const byCollection = new Map<string, string[]>();
  let current: string | null = null;
  for (const line of readFileSync(INVENTORY, 'utf8').split('\n')) {
    const heading = /^## `([a-z_]+)`$/.exec(line);
    if (heading) current = heading[1] as string;
    const fields = /^- \*\*Fields:\*\* (.*)$/.exec(line);
    if (fields && current) byCollection.set(current, [...(fields[1] as string).matchAll(/`([^`]+)`/g)].map((m) => m[1] as string));
  }
  return byCollection;
}

/** collection → every path its schema stores (nested paths dotted), from the models Lantern really uses. */
function stored(): Map<string, string[]> {
  const models = createModels(mongoose.createConnection()) as unknown as Record<string, mongoose.Model<unknown>>;
  const byCollection = new Map<string, string[]>();
  for (const model of Object.values(models)) {
    // Not every entry is a model (the integrity key sits beside them, null when none is configured).
    if (!model?.schema) continue;
    const paths: string[] = [];
    model.schema.eachPath((p) => {
      if (p !== '__v') paths.push(p);
    });
    byCollection.set(model.collection.collectionName, paths);
  }
  return byCollection;
}

describe('the data inventory (docs/privacy/data-inventory.md)', () => {
  it('lists every collection and every field Lantern stores, and nothing it does not', () => {
    const docs = documented();
    const models = stored();
    const missing: string[] = [];
    const extra: string[] = [];
    for (const [collection, paths] of models) {
      const listed = docs.get(collection) ?? [];
      for (const p of paths) if (!listed.includes(p)) missing.push(`${collection}.${p}`);
    }
    for (const [collection, listed] of docs) {
      const paths = models.get(collection) ?? [];
      for (const f of listed) if (!paths.includes(f)) extra.push(`${collection}.${f}`);
    }
    expect(missing, 'stored but not in docs/privacy/data-inventory.md: add each with its purpose, retention and readers').toEqual([]);
    expect(extra, 'listed in docs/privacy/data-inventory.md but no longer stored').toEqual([]);
    expect(models.size).toBeGreaterThan(30);
  });
});
