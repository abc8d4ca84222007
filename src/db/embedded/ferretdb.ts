import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ErrorCode, LanternError } from '../../errors.js';
import { freePort, waitForListener } from './ports.js';
import { socketUri } from './socket-path.js';

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

/** A FerretDB process serving the MongoDB wire protocol, storing data in SQLite files. */
export interface RunningFerretDb {
  readonly uri: string;
  /** The Unix socket it listens on, or null when it listens on TCP loopback (test and bench runs). */
  readonly socket: string | null;
  readonly port: number | null;
  readonly pid: number;
  readonly dataDir: string;
  /** Resolves when the process ends, however it ends. */
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts FerretDB with its SQLite backend in `dataDir` (created if missing). With `socket` it listens only on
 * that Unix socket (no TCP port); otherwise on TCP loopback at `port` or a free one, for test and bench runs
 * on throwaway data. Its debug HTTP listener and telemetry are off, and its files are created 0600.
 */
export async function startFerretDb(options: { binary: string; dataDir: string; socket?: string; port?: number }): Promise<RunningFerretDb> {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const socket = options.socket ?? null;
  const port = socket ? null : (options.port ?? (await freePort()));
  // A socket left by a FerretDB that was killed makes bind fail; callers only pass a socket they own.
  if (socket) rmSync(socket, { force: true });
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${dataDir}/`,
    socket ? '--listen-addr=' : `--listen-addr=127.0.0.1:${port}`,
    ...(socket ? [`--listen-unix=${socket}`] : []),
    '--state-dir=-',
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=warn',
  ];
  // umask 077 through a shell that then execs FerretDB (same pid), so the SQLite files and socket it creates later are private too.
  const child: ChildProcess = spawn('/bin/sh', ['-c', 'umask 077 && exec "$0" "$@"', options.binary, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let hasExited = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => ((hasExited = true), resolve())));
  child.once('error', (err) => (stderr += String(err)));
  try {
    await waitForListener(socket ? { path: socket } : { host: '127.0.0.1', port: port as number }, 30_000, () => hasExited);
  } catch (err) {
    child.kill('SIGKILL');
    throw new LanternError(ErrorCode.EmbeddedDatabaseUnavailable, `FerretDB did not start: ${(err as Error).message}. ${stderr.trim()}`, { cause: err });
  }
  return {
    uri: socket ? socketUri(socket) : `mongodb://127.0.0.1:${port}/`,
    socket,
    port,
    pid: child.pid as number,
    dataDir,
    exited,
    async stop() {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
