import { GOOGLE_SCOPES } from '../google/scopes.js';
import { MICROSOFT_PERMISSIONS } from '../microsoft/permissions.js';

/** Where the generated tables sit in README.md. */
export const PERMISSIONS_BEGIN = '<!-- permissions:begin (generated from src/microsoft/permissions.ts and src/google/scopes.ts: `lantern permissions`) -->';
export const PERMISSIONS_END = '<!-- permissions:end -->';

const API_NAMES = { graph: 'Microsoft Graph', manage: 'Office 365 Management APIs' } as const;

/**
 * The Entra app's application permissions and the Google service account's delegated scopes, as Markdown
 * tables an IT manager grants from. Generated from the same tables the code asks with, so they cannot drift.
 */
export function permissionsMarkdown(): string {
  const microsoft = new Map<string, { api: string; features: Set<string>; why: string[] }>();
  for (const p of MICROSOFT_PERMISSIONS) {
    const key = `${p.api}:${p.permission}`;
    const row = microsoft.get(key) ?? { api: API_NAMES[p.api], features: new Set<string>(), why: [] };
    row.features.add(p.feature);
    if (!row.why.includes(p.why)) row.why.push(p.why);
    microsoft.set(key, row);
  }
  const lines = [
    '| Microsoft application permission | API | for | why |',
    '|---|---|---|---|',
    ...[...microsoft.entries()].map(([key, row]) => `| \`${key.split(':')[1]}\` | ${row.api} | ${[...row.features].join(', ')} | ${row.why.join('; ')} |`),
    '',
    '| Google scope (domain-wide delegation) | for | why |',
    '|---|---|---|',
    ...Object.values(GOOGLE_SCOPES).map((s) => `| \`${s.scope}\` | ${s.feature} | ${s.why} |`),
  ];
  return lines.join('\n');
}
