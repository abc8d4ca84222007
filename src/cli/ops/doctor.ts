import { loadConfig, type LanternConfig } from '../../config/load.js';
import { openDatabase, type OpenDatabase } from '../../stores.js';
import { isLanternError } from '../../errors.js';
import { createLogger } from '../../log/logger.js';
import type { CheckResult } from '../../ops/doctor/check.js';
import { runDoctor } from '../../ops/doctor/run.js';
import type { CliIO, CommandRun } from '../command.js';
import { schoolsNamed } from '../kit/school.js';
import type { doctorOptions } from './commands.js';

const MARK = { ok: '✓', fail: '✗', skip: '–' } as const;

function line(r: CheckResult): string {
  return `${MARK[r.status]} ${r.check}: ${r.detail}${r.fix ? ` — fix: ${r.fix}` : ''}`;
}

function report(io: CliIO, json: boolean, schools: Array<{ school: string; results: CheckResult[] }>): number {
  const failed = schools.some((s) => s.results.some((r) => r.status === 'fail'));
  if (json) io.out(JSON.stringify({ ok: !failed, schools }, null, 2));
  else {
    for (const s of schools) {
      if (s.school) io.out(`School ${s.school}:`);
      for (const r of s.results) io.out(line(r));
    }
    io.out(failed ? 'Fix the ✗ lines above and run lantern doctor again.' : 'Everything checked is working.');
  }
  return failed ? 1 : 0;
}

/** `lantern doctor`: checks a school's real set-up, one line per check with the fix for each failure. */
export const doctor: CommandRun<typeof doctorOptions> = async ({ flags }, io) => {
  const json = flags.json === true;
  let config: LanternConfig;
  try {
    config = loadConfig({ ...(flags.config ? { file: flags.config } : {}), env: io.env, cwd: io.cwd });
  } catch (err) {
    if (!isLanternError(err)) throw err;
    const details = err.details.length > 0 ? err.details.join('; ') : err.message;
    return report(io, json, [{ school: '', results: [{ check: 'config', status: 'fail', detail: details, fix: 'correct the keys named (see the README Configuration section) and run lantern config check FILE' }] }]);
  }
  const schools = schoolsNamed(config, flags.school);
  let database: OpenDatabase | Error;
  try {
    database = await openDatabase(config, createLogger({ level: 'silent' }));
  } catch (err) {
    database = err instanceof Error ? err : new Error(String(err));
  }
  try {
    const results = [];
    for (const school of schools) results.push({ school: school.id, results: await runDoctor(config, school, database) });
    return report(io, json, results);
  } finally {
    if (!(database instanceof Error)) await database.close();
  }
};
