import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/monitoring/engine.js';
import { ALL_RULES } from '../../src/monitoring/rules/index.js';
import { createTenantContext } from '../../src/monitoring/tenant.js';

/**
 * Runs the engine over the external conformance corpus (../shared/conformance, see its README): one fresh
 * engine per case, usable cases scored per family. Run alone with:
 *   npx vitest run test/monitoring/conformance.test.ts
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = path.resolve(repoRoot, '../shared/conformance/cases.jsonl');

interface Case {
  id: string;
  source: string;
  family: string;
  expected: boolean;
  usable: boolean;
  threshold?: number;
  config: { ownDomains: string[]; trustedDomains: string[] };
  event: Record<string, unknown>;
}

/** Families the engine reports for a list of records fed to one fresh engine. */
function familiesFor(c: Case, records: unknown[]): Set<string> {
  const families = new Set<string>();
  const engine = createEngine({ tenant: createTenantContext(c.config), onDetection: (d) => families.add(d.family) });
  for (const r of records) engine.process(r);
  return families;
}

function reported(c: Case, families: Set<string>): boolean {
  return c.family === 'out_of_scope' ? families.size > 0 : families.has(c.family);
}

/** The README's replay: N copies with distinct record ids and (for Drive) distinct doc ids. */
function replay(event: Record<string, unknown>, n: number): unknown[] {
  return Array.from({ length: n }, (_, i) => {
    const copy = structuredClone(event) as Record<string, unknown>;
    const id = copy.id;
    if (id && typeof id === 'object') (id as Record<string, unknown>).uniqueQualifier = `${String((id as Record<string, unknown>).uniqueQualifier)}-${i}`;
    else if (typeof id === 'string') copy.id = `${id}-${i}`;
    if (typeof copy.Id === 'string') copy.Id = `${copy.Id}-${i}`;
    const events = Array.isArray(copy.events) ? (copy.events as { parameters?: { name: string; value?: string }[] }[]) : [];
    for (const ev of events) for (const p of ev.parameters ?? []) if (p.name === 'doc_id') p.value = `${p.value}-${i}`;
    return copy;
  });
}

describe('conformance corpus', () => {
  it('is present', () => {
    expect(existsSync(corpus), `The conformance corpus is missing: expected ${corpus} (the shared checkout next to this repository). The conformance score cannot be measured without it.`).toBe(true);
  });

  it('agrees with at least 95 % of the usable labels', () => {
    if (!existsSync(corpus)) throw new Error(`The conformance corpus is missing: ${corpus}`);
    const cases = readFileSync(corpus, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Case);
    const table = new Map<string, { tp: number; fp: number; tn: number; fn: number }>();
    const disagreements: string[] = [];
    for (const c of cases.filter((x) => x.usable)) {
      const families = familiesFor(c, [c.event]);
      const got = reported(c, families);
      const row = table.get(c.family) ?? { tp: 0, fp: 0, tn: 0, fn: 0 };
      if (got && c.expected) row.tp++;
      else if (got) row.fp++;
      else if (c.expected) row.fn++;
      else row.tn++;
      table.set(c.family, row);
      if (got !== c.expected) disagreements.push(`${c.id}: we say ${got}, label ${c.expected} (reported: ${[...families].join(', ') || 'nothing'})`);
    }
    let agree = 0;
    let total = 0;
    const lines = [`${'family'.padEnd(38)} ${'usable'.padStart(6)} ${'agree'.padStart(6)} ${'TP'.padStart(4)} ${'FP'.padStart(4)} ${'TN'.padStart(4)} ${'FN'.padStart(4)}  score`];
    for (const [family, r] of [...table.entries()].sort()) {
      const n = r.tp + r.fp + r.tn + r.fn;
      agree += r.tp + r.tn;
      total += n;
      lines.push(`${family.padEnd(38)} ${String(n).padStart(6)} ${String(r.tp + r.tn).padStart(6)} ${String(r.tp).padStart(4)} ${String(r.fp).padStart(4)} ${String(r.tn).padStart(4)} ${String(r.fn).padStart(4)}  ${((100 * (r.tp + r.tn)) / n).toFixed(1)} %`);
    }
    lines.push(`${'overall'.padEnd(38)} ${String(total).padStart(6)} ${String(agree).padStart(6)}  ${((100 * agree) / total).toFixed(1)} %`);
    console.log(`Conformance (usable cases):\n${lines.join('\n')}${disagreements.length ? `\nDisagreements:\n  ${disagreements.join('\n  ')}` : '\nNo disagreements.'}`);

    const doc = readFileSync(path.join(repoRoot, 'docs/conformance.md'), 'utf8');
    for (const d of disagreements) expect(doc, `docs/conformance.md must explain ${d}`).toContain(d.split(':')[0]!);
    expect(total, 'usable cases (the corpus README says 198): if the corpus changed, re-run and update docs/conformance.md').toBe(198);
    expect(agree / total).toBeGreaterThanOrEqual(0.95);
  });

  it('reports threshold replays (informational: our thresholds are data and differ from Panther\'s)', () => {
    if (!existsSync(corpus)) throw new Error(`The conformance corpus is missing: ${corpus}`);
    const cases = readFileSync(corpus, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Case)
      .filter((c) => c.threshold !== undefined && c.family !== 'out_of_scope');
    const lines = cases.map((c) => {
      const got = reported(c, familiesFor(c, replay(c.event, c.threshold!)));
      const ours = Math.max(0, ...ALL_RULES.filter((r) => r.family === c.family && r.source === c.source && r.threshold).map((r) => r.threshold!.count));
      const atOurs = ours > c.threshold! ? `; x${ours} (our threshold): ${reported(c, familiesFor(c, replay(c.event, ours)))}` : '';
      return `${got === c.expected ? 'agree   ' : 'DISAGREE'} x${String(c.threshold).padEnd(3)} ${c.id} (label ${c.expected}, we say ${got}${atOurs})`;
    });
    console.log(`Threshold replays (case replayed N times):\n  ${lines.join('\n  ')}`);
    expect(lines.length).toBeGreaterThan(0);
  });
});
