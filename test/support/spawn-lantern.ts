import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../src/db/embedded/ports.js';

const repo = path.resolve(import.meta.dirname, '../..');

/** `lantern serve` as a separate process, as a school would run it. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the process has ended, however it ended. */
  readonly exited: Promise<number | null>;
  /** Sends SIGTERM and waits for a clean exit; returns the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `node bin/lantern.js serve` with `env` (MONGODB_URI removed unless given) and waits for /readyz. */
export async function spawnLantern(env: Record<string, string>, timeoutMs = 120_000): Promise<ServerProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const childEnv: Record<string, string> = { ...(process.env as Record<string, string>), LOG_LEVEL: 'warn', ...env, PORT: String(port) };
  if (!env.MONGODB_URI) delete childEnv.MONGODB_URI;
  const child = spawn(process.execPath, [path.join(repo, 'bin/lantern.js'), 'serve'], { cwd: repo, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`lantern serve exited with ${child.exitCode}:\n${out}`);
    const ready = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`lantern serve was not ready within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
