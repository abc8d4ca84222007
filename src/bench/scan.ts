import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { benchTenant, writeSyntheticActivities } from './synthetic.js';

/**
 * `npm run bench:scan [-- --events N]`: generates N synthetic Reports API activities, then times (a) a
 * baseline that only streams the lines and JSON.parses them and (b) the real `lantern scan --json` as a child
 * process, reporting events/s, the ratio to the baseline and the scan's peak RSS.
 * Targets at 1,000,000 events: ≥ 100,000 events/s, ratio ≤ 2.0, peak RSS < 300 MB.
 */

const say = (line = ''): boolean => process.stdout.write(`${line}\n`);
const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;
const rate = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString('en-GB')} events/s`;

function parseEvents(argv: readonly string[]): number {
  const i = argv.findIndex((a) => a === '--events' || a.startsWith('--events='));
  if (i < 0) return 1_000_000;
  const raw = argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`--events needs a positive whole number, got "${raw}"\n`);
    process.exit(2);
  }
  return n;
}

/** The baseline: read the file in 64 KB chunks (as the scan does), split lines, JSON.parse each. Nothing else. */
async function baseline(file: string): Promise<{ ms: number; cpuMs: number; lines: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let lines = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 })) {
    const text = rest + decoder.write(chunk as Buffer);
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      if (nl > start) {
        JSON.parse(text.slice(start, nl));
        lines++;
      }
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, lines };
}

interface ScanRun {
  ms: number;
  /** User + system CPU of the child, when /usr/bin/time reports it. */
  cpuMs: number | undefined;
  code: number | null;
  peakRssKb: number | undefined;
  stderr: string;
  how: string;
}

/** Runs the real CLI with stdout to /dev/null, measuring peak RSS with /usr/bin/time -v or, failing that, from inside the child. */
function runCli(args: string[], workDir: string): Promise<ScanRun> {
  const useTime = existsSync('/usr/bin/time');
  let command = process.execPath;
  let argv = args;
  let how = '/usr/bin/time -v';
  if (useTime) {
    command = '/usr/bin/time';
    argv = ['-v', process.execPath, ...args];
  } else {
    const probe = path.join(workDir, 'rss-probe.cjs');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write('LANTERN_MAX_RSS_KB=' + process.resourceUsage().maxRSS + '\\n'));\n");
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
      const cpuMs = user && sys ? (Number(user[1]) + Number(sys[1])) * 1000 : undefined;
      resolve({ ms, cpuMs, code, peakRssKb: m ? Number(m[1]) : undefined, stderr, how });
    });
  });
}

async function main(): Promise<void> {
  const events = parseEvents(process.argv.slice(2));
  const here = path.dirname(fileURLToPath(import.meta.url));
  const cli = path.resolve(here, '../cli/main.js');
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-bench-'));
  try {
    const file = path.join(workDir, 'activities.jsonl');
    const tenant = path.join(workDir, 'tenant.json');
    writeFileSync(tenant, JSON.stringify(benchTenant()));
    say(`Generating ${events.toLocaleString('en-GB')} synthetic Reports API activities…`);
    const genStart = performance.now();
    const planted = await writeSyntheticActivities(file, events);
    say(`  ${mb(statSync(file).size)} in ${((performance.now() - genStart) / 1000).toFixed(1)} s (${planted.risky} risky records, ${planted.bursts} download bursts planted)`);

    const base = await baseline(file);
    say(`Baseline (stream lines + JSON.parse): ${(base.ms / 1000).toFixed(2)} s wall (${(base.cpuMs / 1000).toFixed(2)} s CPU), ${rate(base.lines, base.ms)}`);

    const floor = await runCli([cli, '--help'], workDir);
    say(`CLI start-up floor (lantern --help, loads every command): ${(floor.ms / 1000).toFixed(2)} s wall, ${floor.cpuMs !== undefined ? `${(floor.cpuMs / 1000).toFixed(2)} s CPU, ` : ''}peak RSS ${floor.peakRssKb !== undefined ? `${(floor.peakRssKb / 1024).toFixed(0)} MB` : 'unknown'}`);
    const scan = await runCli([cli, 'scan', '--input', file, '--config', tenant, '--json'], workDir);
    if (scan.code !== 0) {
      process.stderr.write(`lantern scan failed (exit ${scan.code}):\n${scan.stderr}\n`);
      process.exitCode = 1;
      return;
    }
    const summary = scan.stderr.split('\n').filter((l) => /^(Scanned|\d[\d,]* detection)/.test(l));
    const ratio = scan.ms / base.ms;
    const eps = (events / scan.ms) * 1000;
    const rssMb = scan.peakRssKb !== undefined ? scan.peakRssKb / 1024 : undefined;
    say(`lantern scan --json (child process, wall clock): ${(scan.ms / 1000).toFixed(2)} s, ${rate(events, scan.ms)}`);
    for (const line of summary) say(`  ${line}`);
    say(`Ratio to baseline: ${ratio.toFixed(2)} (wall clock)${scan.cpuMs !== undefined ? `; CPU time ${(scan.cpuMs / 1000).toFixed(2)} s vs ${(base.cpuMs / 1000).toFixed(2)} s = ${(scan.cpuMs / base.cpuMs).toFixed(2)}` : ''}`);
    say(`Peak RSS of the scan: ${rssMb !== undefined ? `${rssMb.toFixed(0)} MB` : 'unknown'} (${scan.how})`);
    say(`Machine load average while measuring: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);
    say();
    const check = (ok: boolean, what: string): string => `  ${ok ? 'PASS' : 'FAIL'}  ${what}`;
    say(`Targets${events === 1_000_000 ? '' : ' (defined at 1,000,000 events)'}:`);
    say(check(eps >= 100_000, `≥ 100,000 events/s (${Math.round(eps).toLocaleString('en-GB')})`));
    say(check(ratio <= 2.0, `ratio ≤ 2.0 (${ratio.toFixed(2)})`));
    say(check(rssMb !== undefined && rssMb < 300, `peak RSS < 300 MB (${rssMb?.toFixed(0) ?? '?'} MB)`));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
