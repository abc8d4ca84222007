import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type LanternConfig } from '../../src/config/load.js';
import { allowedHost } from '../../src/web/host-guard.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { httpRequest } from './http-client.js';

let lantern: TestLantern;

beforeAll(async () => {
  // The demo: no bot credentials, so /api/messages and the demo sign-in are unauthenticated (loopback only).
  lantern = await startTestLantern();
}, 120_000);

afterAll(async () => {
  await lantern?.close();
});

describe('Host guard (DNS rebinding)', () => {
  it('answers 421 to a page on another name that rebinds to loopback, on the bot and the demo sign-in', async () => {
    const foreign = { host: `evil.example:${lantern.port}` };
    const bot = await httpRequest(`${lantern.url}/api/messages`, { headers: foreign, json: { type: 'message', text: 'hello' } });
    expect(bot.status).toBe(421);
    const signIn = await httpRequest(`${lantern.url}/dashboard/northgate`, { headers: foreign });
    expect(signIn.status).toBe(421);
    expect(signIn.body).not.toContain('demo-sign-in');
    const post = await httpRequest(`${lantern.url}/dashboard/northgate/demo-sign-in`, { headers: foreign, form: { email: 'r.okafor@northgate.example' } });
    expect(post.status).toBe(421);
    expect((await httpRequest(`${lantern.url}/healthz`, { headers: { host: 'evil.example' } })).status).toBe(421);
  });

  it('serves the loopback names, with or without the port', async () => {
    for (const host of [`127.0.0.1:${lantern.port}`, `localhost:${lantern.port}`, `[::1]:${lantern.port}`, 'localhost']) {
      const bot = await httpRequest(`${lantern.url}/api/messages`, { headers: { host }, json: {} });
      // Past the guard: the route itself answers (the empty object is not an activity).
      expect(bot.status, host).toBe(400);
      const signIn = await httpRequest(`${lantern.url}/dashboard/northgate`, { headers: { host } });
      expect(signIn.status, host).toBe(200);
      expect(signIn.body, host).toContain('demo-sign-in');
    }
  });

  it('with bot credentials and a publicUrl, serves that name, loopback and IP addresses; without a publicUrl, any name', () => {
    const base = loadConfig({ env: {}, cwd: os.tmpdir() });
    const credentials = loadConfig({ env: { LANTERN_BOT_APP_ID: '00000000-0000-4000-8000-000000000001', LANTERN_BOT_APP_SECRET: 'a-secret' }, cwd: os.tmpdir() }).bot;
    expect(credentials).not.toBeNull();
    const configured = (bot: LanternConfig['bot'], publicUrl?: string) => ({ bot, server: { ...base.server, ...(publicUrl ? { publicUrl } : {}) } });
    const cases: [ReturnType<typeof configured>, string, boolean][] = [
      [configured(null), 'evil.example', false],
      [configured(null), '10.0.0.5', false],
      [configured(null), '127.0.0.1', true],
      [configured(null, 'https://lantern.northgate.example'), 'lantern.northgate.example', true],
      [configured(null, 'https://lantern.northgate.example'), 'evil.example', false],
      [configured(credentials, 'https://lantern.northgate.example'), 'lantern.northgate.example', true],
      [configured(credentials, 'https://lantern.northgate.example'), '10.0.0.5', true],
      [configured(credentials, 'https://lantern.northgate.example'), '[fd00::5]', true],
      [configured(credentials, 'https://lantern.northgate.example'), '[::1]', true],
      [configured(credentials, 'https://lantern.northgate.example'), 'evil.example', false],
    ];
    for (const [config, hostname, expected] of cases) expect(allowedHost(config)?.(hostname), `${hostname} bot=${config.bot !== null} ${config.server.publicUrl ?? ''}`).toBe(expected);
    expect(allowedHost(configured(credentials))).toBeNull();
  });
});
