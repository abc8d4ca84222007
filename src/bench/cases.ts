import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { listOpenCases, listOpenCasesFromCases } from '../cases/list.js';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../log/logger.js';
import { startLantern } from '../server/start.js';
import { measureCardActions, reportCardActions } from './card-action-costs.js';

/**
 * `npm run bench:cases`: starts Lantern (MONGODB_URI, or the embedded database in a temporary folder) and
 * measures (a) card actions against /api/messages — 100 concurrent "I agree" clicks, acknowledges and notes on
 * DSL case cards (each updating the channel card through a local stand-in Bot Connector): database commands per
 * action (target ≤ 4) with the breakdown, CPU per action in Lantern and in the embedded database, p50/p99
 * latency (target p99 < 3 s for the signing) — and (b) listing
 * the 50 newest open cases of a school holding 100,000 cases — target < 50 ms — against the same query asked
 * of the case documents (MongoDB answers it from the {schoolId, status, openedAt} index; FerretDB scans every
 * case) as the baseline. `--cases N` changes the 100,000; `--open N` how many of them are open (default
 * 1,000: a school's open cases are the ones still being worked, tens to hundreds; 1,000 is a generous bound).
 * The list reads the open-case board (cases/board.ts), whose size follows the open cases, not the history.
 */

const say = (line = ''): boolean => process.stdout.write(`${line}\n`);
const ms = (n: number): string => `${n.toFixed(1)} ms`;

function argNumber(flag: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  const n = i > 0 ? Number(process.argv[i + 1]) : fallback;
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

async function main(): Promise<void> {
  const total = Math.max(1, argNumber('--cases', 100_000));
  const openCount = Math.min(total, argNumber('--open', 1_000));
  const connector = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(JSON.stringify({ id: randomUUID() })));
  });
  await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', resolve));
  const connectorUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}/`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-bench-cases-'));
  const baseUri = process.env.MONGODB_URI;
  const env: Record<string, string> = { PORT: '0', LOG_LEVEL: 'silent', LANTERN_DATA_DIR: dataDir };
  if (baseUri) env.MONGODB_URI = `${baseUri.replace(/\/[^/]*$/, '')}/bench_cases_${randomUUID().slice(0, 8)}`;
  const config = loadConfig({ env, cwd: os.tmpdir() });
  const lantern = await startLantern(config, createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' }), { backgroundJobs: false, monitorCommands: true });
  const school = config.schools[0]!;
  try {
    const { models } = lantern;
    reportCardActions(await measureCardActions(lantern, school, connectorUrl), lantern.database);
    say();

    // Open cases are spread evenly through the history (old ones still open too), in all four open statuses.
    const openStatuses = ['new', 'acknowledged', 'investigating', 'escalated'] as const;
    const stride = openCount > 0 ? total / openCount : Infinity;
    const isOpen = (n: number): boolean => openCount > 0 && Math.floor(n / stride) !== Math.floor((n + 1) / stride);
    const t0 = performance.now();
    let opened = 0;
    for (let start = 0; start < total; start += 1000) {
      const docs = Array.from({ length: Math.min(1000, total - start) }, (_, j) => {
        const n = start + j;
        const open = isOpen(n);
        return {
          schoolId: 'bench', caseId: randomUUID(), number: `BEN-2026-${String(n + 1).padStart(6, '0')}`, openedAt: new Date(Date.UTC(2020, 0, 1) + n * 60_000), version: 1,
          status: open ? openStatuses[opened++ % 4]! : 'closed', severity: 'medium', category: 'conduct', source: 'manual', summary: 'Bench',
        };
      });
      await models.cases.insertMany(docs, { ordered: false, lean: true });
      // The board rows the case writers would have left: one per open case at its current version.
      const rows = docs.filter((d) => d.status !== 'closed').map((d) => ({ _id: `${d.caseId}:000001`, ...d, assignee: null, doNotView: false, dpoDeadline: null, acknowledgedAt: null }));
      if (rows.length > 0) await models.caseBoard.insertMany(rows, { ordered: false, lean: true });
    }
    say(`seeded ${total.toLocaleString('en-GB')} cases for school "bench" (${opened.toLocaleString('en-GB')} open) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const timeIt = async (fn: () => Promise<unknown>): Promise<number> => {
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const s = performance.now();
        await fn();
        runs.push(performance.now() - s);
      }
      return runs.sort((a, b) => a - b)[2]!;
    };
    const listed = await listOpenCases(models, 'bench');
    const fromCases = await listOpenCasesFromCases(models, 'bench');
    if (listed.length !== Math.min(50, opened) || listed.map((c) => c.number).join() !== fromCases.map((c) => c.number).join()) {
      throw new Error(`the board listed ${listed.length} cases, the case documents ${fromCases.length}: they must agree`);
    }
    const board = await timeIt(() => listOpenCases(models, 'bench'));
    const baseline = await timeIt(() => listOpenCasesFromCases(models, 'bench'));
    say(`list the 50 newest open cases of a school with ${total.toLocaleString('en-GB')} cases (${opened.toLocaleString('en-GB')} open): median ${ms(board)} (target < 50 ms)`);
    say(`the same query on the case documents (baseline): median ${ms(baseline)}; baseline / board = ${(baseline / board).toFixed(1)}×`);
  } finally {
    await lantern.connection.dropDatabase().catch(() => undefined);
    await lantern.stop();
    connector.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:cases failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
