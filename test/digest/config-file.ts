import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoFileConfig } from '../../src/config/demo.js';
import { loadConfig, type LanternConfig } from '../../src/config/load.js';

/** The demo school as a config file, with the digest sent by `transport` and mail endpoints pointing at stand-ins. */
export function digestConfig(options: { transport: 'gmail' | 'graph'; mail: Record<string, unknown>; env: Record<string, string>; day?: string; time?: string }): LanternConfig {
  const file = demoFileConfig();
  const school = file.schools[0] as (typeof file.schools)[number];
  const digest = { ...(school.digest as NonNullable<typeof school.digest>), transport: options.transport, ...(options.day ? { day: options.day } : {}), ...(options.time ? { time: options.time } : {}) };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'digest-config-'));
  const target = path.join(dir, 'lantern.config.json');
  writeFileSync(target, JSON.stringify({ ...file, schools: [{ ...school, digest }], mail: options.mail }));
  return loadConfig({ file: target, env: { LOG_LEVEL: 'silent', ...options.env }, cwd: dir });
}
