import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig, type LanternConfig, type School } from '../../src/config/load.js';
import { entraSignInFor } from '../../src/dashboard/sign-in-settings.js';
import { CLIENT_ID, TENANT, writeTrustConfig } from './setup.js';

function trust(env: Record<string, string>): { config: LanternConfig; northgate: School } {
  const config = loadConfig({ file: writeTrustConfig('https://login.microsoftonline.com'), env, cwd: os.tmpdir() });
  const northgate = config.schools[0];
  if (!northgate) throw new Error('no school');
  return { config, northgate };
}

describe('dashboard sign-in settings', () => {
  it("uses the school's tenant and the trust's Entra app", () => {
    const { config, northgate } = trust({ LANTERN_MS_CLIENT_SECRET: 's3cret' });
    expect(entraSignInFor(config, northgate)).toEqual({ issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`, tenantId: TENANT, clientId: CLIENT_ID, clientSecret: 's3cret' });
  });

  it('says what IT must set when something is missing', () => {
    const { config, northgate } = trust({});
    expect(entraSignInFor(config, northgate)).toEqual({ missing: `set LANTERN_MS_CLIENT_SECRET to the client secret of the Entra app ${CLIENT_ID}` });
    const demo = loadConfig({ env: {}, cwd: os.tmpdir() });
    const school = demo.schools[0];
    if (!school) throw new Error('no demo school');
    expect(entraSignInFor(demo, school)).toEqual({ missing: "set schools[northgate].microsoft.tenantId (the school's Entra tenant id) in the config file" });
  });
});
