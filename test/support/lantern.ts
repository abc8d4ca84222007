import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { startLantern, type RunningLantern, type StartOptions } from '../../src/server/start.js';
import { testMongoUri } from './db.js';

/** A Lantern started in-process for a test, on a free port, with its own database. */
export interface TestLantern extends RunningLantern {
  close(): Promise<void>;
}

/** Starts the demo configuration (plus `env` overrides) against the test MongoDB server. */
export async function startTestLantern(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestLantern> {
  const dbName = `srv_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const config = loadConfig({ env: { MONGODB_URI: `${testMongoUri()}${dbName}`, PORT: '0', LOG_LEVEL: 'silent', ...env }, cwd: os.tmpdir() });
  const running = await startLantern(config, createLogger({ level: config.logLevel }), options);
  return {
    ...running,
    async close() {
      await running.connection.dropDatabase().catch(() => undefined);
      await running.stop();
    },
  };
}
