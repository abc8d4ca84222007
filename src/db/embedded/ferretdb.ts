import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ErrorCode, LanternError } from '../../errors.js';
import { freePort, waitForPort } from './ports.js';

const run = promisify(execFile);

/** The FerretDB release Lantern is tested against. */
export const FERRETDB_VERSION = 'v1.24.2';

const buildScript = fileURLToPath(new URL('../../../scripts/build-ferretdb.sh', import.meta.url));

/** Where scripts/build-ferretdb.sh caches the binary. */
export function cachedFerretDbPath(env: NodeJS.ProcessEnv = process.env): string {
  const cacheDir = env.LANTERN_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'lantern');
  return path.join(cacheDir, `ferretdb-${FERRETDB_VERSION}`);
}

/** True when Go is on the PATH, so FerretDB can be built. */
export async function hasGo(): Promise<boolean> {
  try {
    await run('go', ['version']);
    return true;
  } catch {
    return false;
  }
}

/** Builds (or finds in the cache) the FerretDB binary and returns its path. */
export async function ensureFerretDbBinary(): Promise<string> {
  const cached = cachedFerretDbPath();
  if (existsSync(cached)) return cached;
  try {
    const { stdout } = await run('bash', [buildScript], { maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim().split('\n').at(-1) ?? cached;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new LanternError(ErrorCode.EmbeddedDatabaseUnavailable, `Building FerretDB failed: ${stderr.trim().split('\n').slice(-3).join(' ')}`, { cause: err });
  }
}

/** A FerretDB process serving the MongoDB wire protocol on loopback, storing data in SQLite files. */
export interface RunningFerretDb {
  readonly uri: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a FerretDB left running on this data directory by a Lantern that was killed (kill -9 leaves its
 * child behind), so two servers never share the SQLite files.
 */
async function stopOrphan(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // Not Linux, or the process is gone.
  }
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && (cmdline === '' || cmdline.includes('ferretdb'))) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
}

/** Starts FerretDB with its SQLite backend in `dataDir` (created if missing) on a free or given port. */
export async function startFerretDb(options: { binary: string; dataDir: string; port?: number }): Promise<RunningFerretDb> {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const pidFile = path.join(dataDir, 'ferretdb.pid');
  await stopOrphan(pidFile);
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    options.binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dataDir}/`,
      `--listen-addr=127.0.0.1:${port}`,
      '--state-dir=-',
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  if (child.pid) writeFileSync(pidFile, String(child.pid));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  try {
    await waitForPort('127.0.0.1', port, 30_000, () => exited);
  } catch (err) {
    child.kill('SIGKILL');
    throw new LanternError(ErrorCode.EmbeddedDatabaseUnavailable, `FerretDB did not start: ${(err as Error).message}. ${stderr.trim()}`, { cause: err });
  }
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    dataDir,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitedPromise;
      clearTimeout(timer);
      rmSync(pidFile, { force: true });
    },
  };
}
