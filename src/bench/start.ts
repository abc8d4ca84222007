import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench:start`: how long `npm start` takes to answer /healthz for the demo school, with the embedded
 * database in a fresh data folder: first the cold start (new database, demo directory and agreements written),
 * then `--runs N` warm starts on the same data (default 3), as a school restarting its server sees them. dist/
 * is already built by the npm script, so the figures are Lantern's own start-up, not the compiler's. Target: a
 * warm start under 10 s. The ratio warm/cold shows what the stored state saves.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (line = ''): boolean => process.stdout.write(`${line}\n`);

function argNumber(flag: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  const n = i > 0 ? Number(process.argv[i + 1]) : fallback;
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

/** Starts `npm start` on `port`, waits for /healthz, stops it and returns the seconds it took. */
async function timedStart(dataDir: string, port: number): Promise<number> {
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env: { ...process.env, LANTERN_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', MONGODB_URI: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let seconds = NaN;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (await healthy(`http://127.0.0.1:${port}/healthz`)) {
      seconds = (performance.now() - started) / 1000;
      break;
    }
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode} before /healthz answered`);
    await new Promise((r) => setTimeout(r, 50));
  }
  process.kill(-(child.pid as number), 'SIGTERM');
  await exited;
  if (Number.isNaN(seconds)) throw new Error('/healthz did not answer within 120 s');
  return seconds;
}

async function main(): Promise<void> {
  const runs = argNumber('--runs', 3);
  const port = argNumber('--port', 3988);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-bench-start-'));
  try {
    say(`npm start → /healthz, demo school, embedded database in ${dataDir}`);
    const cold = await timedStart(dataDir, port);
    say(`  cold start (new database)   ${cold.toFixed(2)} s`);
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
      warm.push(await timedStart(dataDir, port));
      say(`  warm start ${i + 1}                ${warm.at(-1)?.toFixed(2)} s`);
    }
    const median = [...warm].sort((a, b) => a - b)[Math.floor(warm.length / 2)] as number;
    say(`warm median ${median.toFixed(2)} s (target < 10 s: ${median < 10 ? 'met' : 'NOT met'}); warm/cold ${(median / cold).toFixed(2)}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
