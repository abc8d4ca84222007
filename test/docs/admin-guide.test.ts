import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateFileConfig } from '../../src/config/load.js';
import { CLI_COMMANDS } from '../../src/cli/main.js';

// The admin guide is followed step by step by people who cannot read the code: its config examples must be
// ones Lantern accepts and every command it tells them to run must exist.
const repo = path.resolve(import.meta.dirname, '../..');
const guide = readFileSync(path.join(repo, 'docs/admin-guide.md'), 'utf8');

describe('docs/admin-guide.md', () => {
  const yamlBlocks = [...guide.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it('has a config example for a Microsoft and for a Google school', () => {
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(2);
  });

  it.each(yamlBlocks.map((block, i) => [i + 1, block] as const))('config example %i is one Lantern accepts', (_, block) => {
    const raw = parse(block) as Record<string, unknown>;
    // The Google example shows one school's part; the rest of its file is as in the Microsoft example.
    expect(() => validateFileConfig(raw, 'the example')).not.toThrow();
  });

  it.each(['admin-guide.md', 'policy-requirements.md'])('%s names only lantern commands that exist', (doc) => {
    const text = readFileSync(path.join(repo, 'docs', doc), 'utf8');
    const used = [...text.matchAll(/lantern ((?:[a-z]+)(?: [a-z-]+)?)/g)].map((m) => m[1]!);
    const names = Object.keys(CLI_COMMANDS);
    const unknown = used.filter((u) => !names.some((n) => u === n || u.startsWith(`${n} `) || n.startsWith(`${u} `) || n === u.split(' ')[0]));
    expect(used.length).toBeGreaterThan(10);
    expect(unknown).toEqual([]);
  });

  it('links only to files that exist', () => {
    const links = [...guide.matchAll(/\]\(((?!https?:|#)[^)]+)\)/g)].map((m) => m[1]!);
    expect(links.filter((l) => !existsSync(path.join(repo, 'docs', l)))).toEqual([]);
  });
});
