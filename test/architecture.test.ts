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

  it('one Teams adapter: only teams/adapter.ts constructs a CloudAdapter', () => {
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const builders = files.filter((f) => /new CloudAdapter\(/.test(readFileSync(path.join(src, f), 'utf8')));
    expect(builders).toEqual([path.join('teams', 'adapter.ts')]);
  });
});
