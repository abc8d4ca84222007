import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { partOf, readImportGraph, runtimeCycles } from './support/import-graph.js';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const edges = readImportGraph(src);

/** The domain capabilities: they hold the school's logic and speak to the edges only through ports. */
const DOMAINS = ['agreements', 'cases', 'monitoring', 'digest', 'directory', 'parents', 'records'];
/** The edges: they parse, verify and hand over (Teams, HTTP pages, the dashboard, the command line, start-up). */
const EDGES = ['teams', 'web', 'dashboard', 'cli', 'server'];

/**
 * Module-level values that an exported function changes: a `let` it assigns, or a Map / Set / WeakMap it fills.
 * Start-up must build per-instance state and inject it (issue #12), never register it into a module. A pure memo
 * (the same input always gives the same value) is allowed by name, with the reason beside it.
 */
const PURE_MEMOS: Record<string, string> = {
  'monitoring/input/google-export-csv.ts:applications': 'the rules\' own event → application table, computed once from code',
};

function moduleStateWriters(file: string, text: string): string[] {
  const lines = text.split('\n');
  const mutable = new Set<string>();
  for (const line of lines) {
    const binding = /^(?:export )?(?:let|var) (\w+)/.exec(line) ?? /^(?:export )?const (\w+)(?::[^=]+)? = new (?:Weak)?(?:Map|Set)\b/.exec(line);
    if (binding?.[1]) mutable.add(binding[1]);
  }
  const found: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const exported = /^export (?:async )?function (\w+)/.exec(lines[i] as string);
    if (!exported) continue;
    let end = i + 1;
    while (end < lines.length && !/^}/.test(lines[end] as string)) end++;
    const body = lines.slice(i, end + 1).join('\n');
    for (const name of mutable) {
      if (`${file}:${name}` in PURE_MEMOS) continue;
      const writes = new RegExp(`(?<![.\\w])${name}\\s*(?:[-+*/?|&]{0,3}=(?!=)|\\+\\+|--)|(?<![.\\w])${name}\\.(?:set|add|delete|clear)\\(`);
      if (writes.test(body)) found.push(`${file}: ${exported[1]} changes the module's ${name}`);
    }
  }
  return found;
}

function violations(from: (part: string) => boolean, to: (part: string) => boolean): string[] {
  return edges.filter((e) => from(partOf(e.from)) && to(partOf(e.to))).map((e) => `${e.from} → ${e.to}`);
}

describe('architecture boundaries (docs/architecture.md)', () => {
  it('has at most one run-time import cycle in src/', () => {
    const cycles = runtimeCycles(edges);
    expect(cycles.length, cycles.map((c) => c.join(' ↔ ')).join('\n')).toBeLessThanOrEqual(1);
  });

  it('domain capabilities never import an edge (Teams, web, dashboard, CLI, start-up), not even for types', () => {
    expect(violations((p) => DOMAINS.includes(p), (p) => EDGES.includes(p))).toEqual([]);
  });

  it('db/ is infrastructure: it imports no capability', () => {
    expect(violations((p) => p === 'db', (p) => p !== 'db' && p !== 'errors.ts' && p !== 'log' && p !== 'config')).toEqual([]);
  });

  it('jobs/ defines the runner and its types and imports no capability', () => {
    expect(violations((p) => p === 'jobs', (p) => DOMAINS.includes(p) || EDGES.includes(p))).toEqual([]);
  });

  it('no process-wide registries: no exported function changes a module-level let, Map or Set', () => {
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const writers = files.flatMap((f) => moduleStateWriters(f.split(path.sep).join('/'), readFileSync(path.join(src, f), 'utf8')));
    expect(writers).toEqual([]);
  });

  it('one Teams adapter: only teams/adapter.ts constructs a CloudAdapter', () => {
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const builders = files.filter((f) => /new CloudAdapter\(/.test(readFileSync(path.join(src, f), 'utf8')));
    expect(builders).toEqual([path.join('teams', 'adapter.ts')]);
  });
});
