import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readAndParse } from './scan-floor.js';
import { benchTenant, writeSyntheticActivities } from './synthetic.js';

/**
 * `npm run bench:scan [-- --events N] [--rounds R]`: generates N synthetic Reports API activities, then runs,
 * alternately and R times (default 3), (a) a baseline process that only streams the lines and JSON.parses them
 * (scan-floor.ts) and (b) the real `lantern scan --json`, both as child processes timed the same way, so each
 * side pays for starting node. Reports medians of wall clock and CPU time (user + system) for both, their
 * ratios (CPU is the fair figure on a loaded machine), events/s, the scan's peak RSS, and the wall time of
 * `lantern --help` and `lantern scan --help` (5 runs each). For comparison with earlier runs it also times the
 * same baseline inside the bench process (without node's start-up), as the bench did before.
 * Targets at 1,000,000 events: ratio to the baseline ≤ 1.3, peak RSS < 300 MB; help screens under 0.5 s.
 */

const say = (line = ''): boolean => process.stdout.write(`${line}\n`);
const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;
const rate = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString('en-GB')} events/s`;

function parseCount(argv: readonly string[], flag: string, fallback: number): number {
  const i = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
  if (i < 0) return fallback;
  const raw = argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`${flag} needs a positive whole number, got "${raw}"\n`);
    process.exit(2);
  }
  return n;
}

/** The baseline inside this process (the bench's earlier method): no node start-up, a warm JIT after round 1. */
async function baselineInProcess(file: string): Promise<{ ms: number; cpuMs: number; lines: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const lines = await readAndParse(file);
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, lines };
}

interface ScanRun {
  ms: number;
  /** User + system CPU of the child, from /usr/bin/time -v or from the child itself. */
  cpuMs: number | undefined;
  code: number | null;
  peakRssKb: number | undefined;
  stderr: string;
  how: string;
}

/**
 * Runs the real CLI with stdout to /dev/null, measuring its CPU time and peak RSS with /usr/bin/time -v or,
 * failing that, from inside the child (a preloaded script prints `process.cpuUsage()` and `maxRSS` on exit).
 */
function runCli(args: string[], workDir: string): Promise<ScanRun> {
  const useTime = existsSync('/usr/bin/time');
  let command = process.execPath;
  let argv = args;
  let how = '/usr/bin/time -v';
  if (useTime) {
    command = '/usr/bin/time';
    argv = ['-v', process.execPath, ...args];
  } else {
    const probe = path.join(workDir, 'usage-probe.cjs');
    writeFileSync(
      probe,
      "process.on('exit', () => { const c = process.cpuUsage(); process.stderr.write('LANTERN_MAX_RSS_KB=' + process.resourceUsage().maxRSS + '\\nLANTERN_CPU_US=' + (c.user + c.system) + '\\n'); });\n",
    );
    argv = ['--require', probe, ...args];
    how = 'process.resourceUsage() in the child';
  }
  const started = performance.now();
  const child = spawn(command, argv, { stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr) ?? /LANTERN_MAX_RSS_KB=(\d+)/.exec(stderr);
      const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
      const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
      const inner = /LANTERN_CPU_US=(\d+)/.exec(stderr);
      const cpuMs = user && sys ? (Number(user[1]) + Number(sys[1])) * 1000 : inner ? Number(inner[1]) / 1000 : undefined;
      resolve({ ms, cpuMs, code, peakRssKb: m ? Number(m[1]) : undefined, stderr, how });
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const load = (): string => os.loadavg().map((l) => l.toFixed(1)).join(' ');

/** Wall time of a CLI invocation over `runs` runs: median and worst. */
async function timeCli(args: string[], workDir: string, runs: number): Promise<{ median: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await runCli(args, workDir)).ms);
  return { median: median(times), max: Math.max(...times) };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const events = parseCount(argv, '--events', 1_000_000);
  const rounds = parseCount(argv, '--rounds', 3);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const cli = path.resolve(here, '../cli/main.js');
  const floor = path.resolve(here, 'scan-floor.js');
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-bench-'));
  try {
    const file = path.join(workDir, 'activities.jsonl');
    const tenant = path.join(workDir, 'tenant.json');
    writeFileSync(tenant, JSON.stringify(benchTenant()));
    say(`Generating ${events.toLocaleString('en-GB')} synthetic Reports API activities…`);
    const genStart = performance.now();
    const planted = await writeSyntheticActivities(file, events);
    say(`  ${mb(statSync(file).size)} in ${((performance.now() - genStart) / 1000).toFixed(1)} s (${planted.risky} risky records, ${planted.bursts} download bursts planted)`);
    say(`Load average before measuring: ${load()} on ${os.cpus().length} CPUs`);

    const bases: ScanRun[] = [];
    const inProcess: { ms: number; cpuMs: number }[] = [];
    const scans: ScanRun[] = [];
    let summary: string[] = [];
    for (let round = 1; round <= rounds; round++) {
      const base = await runCli([floor, file], workDir);
      const scan = await runCli([cli, 'scan', '--input', file, '--config', tenant, '--json'], workDir);
      inProcess.push(await baselineInProcess(file));
      for (const [what, run] of [['baseline', base], ['lantern scan', scan]] as const) {
        if (run.code !== 0) {
          process.stderr.write(`${what} failed (exit ${run.code}):\n${run.stderr}\n`);
          process.exitCode = 1;
          return;
        }
      }
      summary = scan.stderr.split('\n').filter((l) => /^(Scanned|\d[\d,]* detection)/.test(l));
      bases.push(base);
      scans.push(scan);
      const cpu = scan.cpuMs !== undefined && base.cpuMs !== undefined ? `, CPU ${secs(scan.cpuMs)} vs ${secs(base.cpuMs)} = ${(scan.cpuMs / base.cpuMs).toFixed(2)}` : '';
      say(`  round ${round}: baseline ${secs(base.ms)} wall, scan ${secs(scan.ms)} wall = ${(scan.ms / base.ms).toFixed(2)}${cpu}; load ${load()}`);
    }
    for (const line of summary) say(`  ${line}`);

    const baseMs = median(bases.map((b) => b.ms));
    const baseCpus = bases.map((b) => b.cpuMs).filter((c): c is number => c !== undefined);
    const baseCpu = baseCpus.length === bases.length ? median(baseCpus) : undefined;
    const inProcessCpu = median(inProcess.map((b) => b.cpuMs));
    const scanMs = median(scans.map((s) => s.ms));
    const cpus = scans.map((s) => s.cpuMs).filter((c): c is number => c !== undefined);
    const scanCpu = cpus.length === scans.length ? median(cpus) : undefined;
    const rss = scans.map((s) => s.peakRssKb).filter((k): k is number => k !== undefined);
    const rssMb = rss.length > 0 ? Math.max(...rss) / 1024 : undefined;
    const wallRatio = scanMs / baseMs;
    const cpuRatio = scanCpu !== undefined && baseCpu !== undefined ? scanCpu / baseCpu : undefined;
    const eps = (events / scanMs) * 1000;
    say(`Medians of ${rounds} alternating rounds:`);
    say(`  Baseline (node process: stream lines + JSON.parse): ${secs(baseMs)} wall, ${baseCpu !== undefined ? secs(baseCpu) : 'unknown'} CPU, ${rate(events, baseMs)}`);
    say(`  lantern scan --json (child process):  ${secs(scanMs)} wall, ${scanCpu !== undefined ? secs(scanCpu) : 'unknown'} CPU, ${rate(events, scanMs)} (${rate(events, scanCpu ?? scanMs)} of CPU)`);
    say(`  Ratio to baseline: wall ${wallRatio.toFixed(2)}, CPU ${cpuRatio?.toFixed(2) ?? 'unknown'} (CPU is the fair figure on a loaded machine)`);
    say(`  Same baseline inside the bench process (the earlier method; no node start-up in it): ${secs(inProcessCpu)} CPU; scan CPU ratio to it ${scanCpu !== undefined ? (scanCpu / inProcessCpu).toFixed(2) : 'unknown'}`);
    say(`  Peak RSS of the scan: ${rssMb !== undefined ? `${rssMb.toFixed(0)} MB` : 'unknown'} (highest of the rounds, ${scans[0]?.how ?? ''})`);

    const help = await timeCli([cli, '--help'], workDir, 5);
    const scanHelp = await timeCli([cli, 'scan', '--help'], workDir, 5);
    say(`lantern --help: median ${secs(help.median)}, worst ${secs(help.max)} wall (5 runs)`);
    say(`lantern scan --help: median ${secs(scanHelp.median)}, worst ${secs(scanHelp.max)} wall (5 runs)`);
    say(`Load average after measuring: ${load()} on ${os.cpus().length} CPUs`);
    say();
    const check = (ok: boolean, what: string): string => `  ${ok ? 'PASS' : 'FAIL'}  ${what}`;
    say(`Targets${events === 1_000_000 ? '' : ' (defined at 1,000,000 events)'}:`);
    say(check(cpuRatio !== undefined && cpuRatio <= 1.3, `CPU ratio ≤ 1.3 (${cpuRatio?.toFixed(2) ?? '?'}; wall ${wallRatio.toFixed(2)})`));
    say(check(rssMb !== undefined && rssMb < 300, `peak RSS < 300 MB (${rssMb?.toFixed(0) ?? '?'} MB)`));
    say(check(help.median < 500 && scanHelp.median < 500, `help screens under 0.5 s (median ${secs(help.median)} and ${secs(scanHelp.median)})`));
    say(`  info  ${Math.round(eps).toLocaleString('en-GB')} events/s wall`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
