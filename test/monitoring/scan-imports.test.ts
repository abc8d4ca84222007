import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Packages the offline scan never needs; loading them costs the scan a large share of a small run's CPU time.
const HEAVY = ['mongoose', 'mongodb', 'googleapis', 'google-auth-library', '@azure/msal-node'];

/** Every package reached through runtime imports (type-only imports are erased) from `entry`, with the chain that reached it. */
function runtimePackages(entry: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const seen = new Set<string>();
  const queue: { file: string; chain: string[] }[] = [{ file: path.resolve(entry), chain: [] }];
  while (queue.length > 0) {
    const { file, chain } = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const here = [...chain, path.relative('src', file)];
    for (const m of source.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms)) {
      const spec = m[1] as string;
      if (spec.startsWith('.')) queue.push({ file: path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')), chain: here });
      else if (!found.has(spec)) found.set(spec, here);
    }
  }
  return found;
}

describe('lantern scan start-up', () => {
  it('loads no database or cloud client packages', () => {
    const packages = runtimePackages('src/cli/monitor/scan.ts');
    const heavy = [...packages].filter(([spec]) => HEAVY.some((h) => spec === h || spec.startsWith(`${h}/`))).map(([spec, chain]) => `${spec} <- ${chain.join(' <- ')}`);
    expect(heavy).toEqual([]);
    // The walk itself must see the scan's real dependencies, or an empty result would prove nothing.
    expect(packages.has('zod')).toBe(true);
  });

  it('loads the YAML parser and the CSV directory reader only when a tenant file needs them', () => {
    // A JSON tenant file is the common case; YAML and a school's CSV directory are imported on demand.
    const packages = runtimePackages('src/cli/monitor/scan.ts');
    const onDemand = [...packages].filter(([spec]) => ['yaml', 'csv-parse'].some((p) => spec === p || spec.startsWith(`${p}/`))).map(([spec, chain]) => `${spec} <- ${chain.join(' <- ')}`);
    expect(onDemand).toEqual([]);
  });
});
