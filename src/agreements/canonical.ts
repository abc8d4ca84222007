import { createHash } from 'node:crypto';

/**
 * The canonical form of a policy text: line endings normalised to LF, trailing spaces and tabs dropped,
 * runs of blank lines collapsed to one, and leading/trailing blank lines removed. Two texts that differ
 * only in whitespace a reader cannot see hash the same, so re-saving a file in another editor is not a
 * "new version".
 */
export function canonicalText(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/g, '').replace(/\t/g, '    '))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** SHA-256 (hex) of a UTF-8 string. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** SHA-256 of the canonical text: the hash a signature is bound to. */
export function textHash(text: string): string {
  return sha256(canonicalText(text));
}

/** JSON with keys sorted at every level, so a record hashes the same whatever order its fields were built in. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}
