import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type LanternConfig } from '../../src/config/load.js';
import { checkWonde } from '../../src/ops/doctor/wonde.js';
import { WondeStandIn } from '../support/wonde-stand-in.js';
import { NORTHGATE_SCHOOL } from '../support/school-yaml.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-doctor-wonde-'));

describe('lantern doctor: Wonde access', () => {
  let wonde: WondeStandIn;
  let file: string;
  const configWith = (env: Record<string, string>): LanternConfig => loadConfig({ file, env, cwd: dir });

  beforeAll(async () => {
    wonde = await new WondeStandIn().start();
    file = path.join(dir, 'lantern.config.yaml');
    writeFileSync(
      file,
      `schools:
${NORTHGATE_SCHOOL}    directory: { source: wonde, schoolId: A1930499544, apiUrl: "${wonde.url}/v1.0" }
`,
    );
  });
  afterAll(async () => wonde.stop());

  it('passes with a good token for a school that approved access', async () => {
    wonde.approved.add('A1930499544');
    const config = configWith({ LANTERN_WONDE_TOKEN_NORTHGATE: wonde.token });
    expect(await checkWonde(config, config.schools[0]!)).toEqual([{ check: 'Wonde access', status: 'ok', detail: 'the token reads school A1930499544 (Stand-in school)' }]);
  });

  it('names the fix for a missing token, a bad token (401) and a school that has not approved access (403)', async () => {
    let config = configWith({});
    expect((await checkWonde(config, config.schools[0]!))[0]).toMatchObject({ status: 'fail', detail: 'LANTERN_WONDE_TOKEN_NORTHGATE is not set' });
    config = configWith({ LANTERN_WONDE_TOKEN_NORTHGATE: 'revoked-token' });
    expect((await checkWonde(config, config.schools[0]!))[0]).toMatchObject({ status: 'fail', detail: 'Wonde refused the token (401)', fix: expect.stringContaining('LANTERN_WONDE_TOKEN_NORTHGATE') });
    wonde.approved.delete('A1930499544');
    config = configWith({ LANTERN_WONDE_TOKEN_NORTHGATE: wonde.token });
    expect((await checkWonde(config, config.schools[0]!))[0]).toMatchObject({ status: 'fail', detail: expect.stringContaining('has not approved access'), fix: expect.stringContaining('approve Lantern in the Wonde portal') });
  });

  it('adds nothing for a school whose directory is not Wonde', async () => {
    const config = loadConfig({ env: {}, cwd: mkdtempSync(path.join(os.tmpdir(), 'lantern-demo-')) });
    expect(await checkWonde(config, config.schools[0]!)).toEqual([]);
  });
});
