/** Turns a value into JSON with sorted keys and ISO dates, so the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value));
}

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(src).sort()) {
      if (key === '_id' || src[key] === undefined) continue;
      out[key] = normalise(src[key]);
    }
    return out;
  }
  return value;
}
