import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedFerretDbPath, FERRETDB_VERSION } from '../../src/db/embedded/ferretdb.js';
import { isProcessAlive, readOwner } from '../../src/db/embedded/owner-record.js';
import { spawnLantern } from '../support/spawn-lantern.js';

const repo = path.resolve(import.meta.dirname, '../..');
const root = mkdtempSync(path.join(os.tmpdir(), 'lantern-beside-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs one `lantern` CLI command to the end, as an operator would in a second terminal. */
function runLantern(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const childEnv: Record<string, string> = { ...(process.env as Record<string, string>), LOG_LEVEL: 'warn', ...env };
  delete childEnv.MONGODB_URI;
  const child = spawn(process.execPath, [path.join(repo, 'bin/lantern.js'), ...args], { cwd: repo, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

async function status(url: string): Promise<number> {
  return fetch(url).then((r) => r.status, () => 0);
}

/** Polls until `url` answers `expected`; returns how long that took. */
async function waitForStatus(url: string, expected: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await status(url)) === expected) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer ${expected} within ${timeoutMs} ms`);
}

function ferretPidOf(dataDir: string): number {
  const pid = readOwner(path.join(dataDir, 'ferretdb'))?.ferretPid;
  if (!pid) throw new Error(`no FerretDB recorded in ${dataDir}`);
  return pid;
}

describe('CLI commands beside a running server', () => {
  it('use the server’s database without stopping it; a second server is refused', { timeout: 180_000 }, async () => {
    const dataDir = path.join(root, 'beside');
    const server = await spawnLantern({ LANTERN_DATA_DIR: dataDir });
    try {
      const socket = path.join(dataDir, 'ferretdb', 'ferretdb.sock');
      expect(server.output()).toContain(`listening on ${socket}`);
      const ferretPid = ferretPidOf(dataDir);

      const verify = await runLantern(['cases', 'verify', '--school', 'northgate'], { LANTERN_DATA_DIR: dataDir });
      expect(verify).toMatchObject({ code: 0 });
      expect(verify.output).toMatch(/every timeline is intact/);
      const monitor = await runLantern(['monitor', 'status'], { LANTERN_DATA_DIR: dataDir });
      expect(monitor).toMatchObject({ code: 0 });

      expect(await status(`${server.url}/readyz`)).toBe(200);
      expect(ferretPidOf(dataDir)).toBe(ferretPid);
      expect(isProcessAlive(ferretPid)).toBe(true);

      await expect(spawnLantern({ LANTERN_DATA_DIR: dataDir }, 60_000)).rejects.toThrow(/in use by the Lantern server \(pid \d+\)/);
      expect(await status(`${server.url}/readyz`)).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(readOwner(path.join(dataDir, 'ferretdb'))).toBeNull();
  });

  it('start their own database when no server runs, and leave nothing running', { timeout: 120_000 }, async () => {
    const dataDir = path.join(root, 'alone');
    const verify = await runLantern(['cases', 'verify', '--school', 'northgate'], { LANTERN_DATA_DIR: dataDir });
    expect(verify).toMatchObject({ code: 0 });
    expect(readOwner(path.join(dataDir, 'ferretdb'))).toBeNull();
  });
});

describe('the server supervises its embedded database', () => {
  it('restarts FerretDB after kill -9 and becomes ready again', { timeout: 180_000 }, async () => {
    const dataDir = path.join(root, 'restart');
    const server = await spawnLantern({ LANTERN_DATA_DIR: dataDir });
    try {
      const first = ferretPidOf(dataDir);
      process.kill(first, 'SIGKILL');
      // The restart takes about a second; a probe may or may not catch the gap, so wait for the new process instead.
      const deadline = Date.now() + 30_000;
      while (ferretPidOf(dataDir) === first && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(ferretPidOf(dataDir)).not.toBe(first);
      expect(isProcessAlive(first)).toBe(false);
      await waitForStatus(`${server.url}/readyz`, 200, 30_000);
      expect(await status(`${server.url}/healthz`)).toBe(200);
      const verify = await runLantern(['cases', 'verify'], { LANTERN_DATA_DIR: dataDir });
      expect(verify).toMatchObject({ code: 0 });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('fails /healthz once the database has stayed down past the grace period, and recovers when FerretDB can start again', { timeout: 180_000 }, async () => {
    const dataDir = path.join(root, 'down');
    const cacheDir = path.join(root, 'cache');
    mkdirSync(cacheDir, { recursive: true });
    const binary = path.join(cacheDir, `ferretdb-${FERRETDB_VERSION}`);
    symlinkSync(cachedFerretDbPath(), binary);
    const server = await spawnLantern({ LANTERN_DATA_DIR: dataDir, LANTERN_CACHE_DIR: cacheDir, LANTERN_DB_DOWN_GRACE_SECONDS: '6' });
    try {
      rmSync(binary);
      writeFileSync(binary, '#!/bin/sh\necho "broken on purpose" >&2\nexit 1\n', { mode: 0o755 });
      process.kill(ferretPidOf(dataDir), 'SIGKILL');
      const killedAt = Date.now();
      await waitForStatus(`${server.url}/readyz`, 503, 10_000);
      expect(await status(`${server.url}/healthz`)).toBe(200);
      await waitForStatus(`${server.url}/healthz`, 503, 20_000);
      expect(Date.now() - killedAt).toBeGreaterThanOrEqual(6_000);
      expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ status: 'database down' });

      rmSync(binary);
      symlinkSync(cachedFerretDbPath(), binary);
      await waitForStatus(`${server.url}/readyz`, 200, 60_000);
      expect(await status(`${server.url}/healthz`)).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
