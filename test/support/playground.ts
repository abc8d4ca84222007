import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/db/embedded/ports.js';

/** A running Microsoft 365 Agents Playground (the offline Teams client) pointed at a bot endpoint. */
export interface Playground {
  readonly url: string;
  stop(): Promise<void>;
  log(): string;
}

/**
 * Starts `agentsplayground` for the msteams channel. Its stdin is kept as an open pipe for its whole life,
 * it opens no browser, sends no telemetry, and runs in a temporary directory (it writes ./devTools/ there).
 */
export async function startPlayground(botEndpoint: string, timeoutMs = 60_000, options: { configYaml?: string } = {}): Promise<Playground> {
  const cli = createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'lantern-playground-'));
  // The Playground reads its users, team and channels from this file in its working directory, if present.
  if (options.configYaml) writeFileSync(path.join(cwd, '.m365agentsplayground.yml'), options.configYaml);
  const env: Record<string, string> = { ...(process.env as Record<string, string>), TEAMSAPPTESTER_BROWSER: 'none', NO_PROXY: '*', no_proxy: '*' };
  for (const key of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'BOT_ENDPOINT', 'AUTH_CLIENT_ID', 'AUTH_CLIENT_SECRET', 'AUTH_TENANT_ID', 'DEFAULT_CHANNEL_ID']) delete env[key];
  const child: ChildProcess = spawn(process.execPath, [cli, '-e', botEndpoint, '-c', 'msteams', '-p', String(await freePort()), '--disable-telemetry'], {
    cwd,
    env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(cwd, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const port = /Listening on (\d+)/.exec(output)?.[1];
    if (port) {
      const url = `http://127.0.0.1:${port}`;
      const pong = await fetch(`${url}/_debug/ping`).then((r) => r.ok, () => false);
      if (pong) return { url, stop, log: () => output };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`The Agents Playground did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
