import { asArray, asObject, type JsonObject } from './read.js';

/**
 * Readers for Reports API event parameters: a list of `{name, value|boolValue|intValue|multiValue|
 * messageValue|multiMessageValue}`. A linear scan is faster than building a map for the handful of
 * parameters an event carries, and allocates nothing.
 */

/** The parameter entry called `name`, if present. */
export function findParam(params: readonly unknown[], name: string): JsonObject | undefined {
  for (let i = 0; i < params.length; i++) {
    const p = params[i] as JsonObject | null;
    if (p !== null && typeof p === 'object' && p.name === name) return p;
  }
  return undefined;
}

/** A string parameter (`value`), or '' when absent. Numbers and booleans are rendered as text. */
export function paramText(params: readonly unknown[], name: string): string {
  const p = findParam(params, name);
  if (!p) return '';
  const v = p.value ?? p.intValue ?? p.boolValue;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** A boolean parameter (`boolValue`, or "true"/"false" text); undefined when absent. */
export function paramBool(params: readonly unknown[], name: string): boolean | undefined {
  const p = findParam(params, name);
  if (!p) return undefined;
  const v = p.boolValue ?? p.value;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/** An integer parameter (`intValue` is a decimal string in the API); undefined when absent or not a number. */
export function paramInt(params: readonly unknown[], name: string): number | undefined {
  const p = findParam(params, name);
  if (!p) return undefined;
  const v = p.intValue ?? p.value;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** A list parameter (`multiValue`, or a single `value` as a one-item list). */
export function paramList(params: readonly unknown[], name: string): string[] {
  const p = findParam(params, name);
  if (!p) return [];
  if (Array.isArray(p.multiValue)) return p.multiValue.filter((x): x is string => typeof x === 'string');
  return typeof p.value === 'string' ? [p.value] : [];
}

/** The nested parameter list of a `messageValue` parameter (Gmail's message_info, connection_info…). */
export function paramMessage(params: readonly unknown[], name: string): readonly unknown[] {
  return asArray(asObject(findParam(params, name)?.messageValue)?.parameter);
}

/** The nested parameter lists of a `multiMessageValue` parameter. */
export function paramMessages(params: readonly unknown[], name: string): (readonly unknown[])[] {
  return asArray(findParam(params, name)?.multiMessageValue).map((m) => asArray(asObject(m)?.parameter));
}
