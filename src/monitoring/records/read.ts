/**
 * Defensive readers for vendor JSON. Audit records arrive with missing keys, nulls and the odd wrong type;
 * rules read through these so that they never throw.
 */

/** A plain JSON object. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** `v` as an object, or undefined for null, arrays and primitives. */
export function asObject(v: unknown): JsonObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

/** `v` when it is a string, else undefined. */
export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `v` as an array, or an empty array. */
export function asArray(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : EMPTY;
}
const EMPTY: readonly unknown[] = Object.freeze([]);

/** A string field of an object ('' when missing or not a string). */
export function text(o: JsonObject | undefined, key: string): string {
  const v = o?.[key];
  return typeof v === 'string' ? v : '';
}

/** A nested object field. */
export function child(o: JsonObject | undefined, key: string): JsonObject | undefined {
  return asObject(o?.[key]);
}

/** Reads `{Name, Value}` / `{name, value}` pair lists (Management API Parameters, ExtendedProperties, Graph additionalDetails). */
export function pairValue(list: unknown, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const item of asArray(list)) {
    const o = asObject(item);
    if (!o) continue;
    const n = asString(o.Name) ?? asString(o.name) ?? asString(o.key) ?? asString(o.displayName);
    if (n !== undefined && n.toLowerCase() === wanted) {
      const v = o.Value ?? o.value ?? o.NewValue ?? o.newValue;
      return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
    }
  }
  return undefined;
}

/** A modified-property pair `{displayName|Name, oldValue|OldValue, newValue|NewValue}` by name. */
export function modifiedProperty(list: unknown, name: string): { oldValue: string; newValue: string } | undefined {
  const wanted = name.toLowerCase();
  for (const item of asArray(list)) {
    const o = asObject(item);
    const n = asString(o?.displayName) ?? asString(o?.Name) ?? asString(o?.name);
    if (o && n !== undefined && n.toLowerCase() === wanted) {
      const oldValue = o.oldValue ?? o.OldValue;
      const newValue = o.newValue ?? o.NewValue;
      return { oldValue: typeof oldValue === 'string' ? oldValue : '', newValue: typeof newValue === 'string' ? newValue : '' };
    }
  }
  return undefined;
}

const emailPattern = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** Every email address in a free-text value ("smtp:a@b.com;\"X\" [SMTP:c@d.org]" → ["a@b.com", "c@d.org"]), lower-cased. */
export function emailsIn(value: string | undefined): string[] {
  if (!value) return [];
  return Array.from(value.matchAll(emailPattern), (m) => m[0].toLowerCase());
}
