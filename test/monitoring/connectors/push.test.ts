import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, validateFileConfig, type LanternConfig } from '../../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../../src/stores.js';
import { ErrorCode } from '../../../src/errors.js';
import { createGooglePushRouter } from '../../../src/google/reports/push.js';
import { pushAddress, renewWatchChannels } from '../../../src/google/reports/watch-channels.js';
import { createLogger } from '../../../src/log/logger.js';
import { auditClientFactories } from '../../../src/server/audit-clients.js';
import { pollSource } from '../../../src/monitoring/connectors/poll-source.js';
import { watchJobHandlers, watchSchedules } from '../../../src/monitoring/connectors/watch-jobs.js';
import { connectTestDatabase, dropTestDatabase } from '../../support/db.js';
import { FakeGoogle, writeServiceAccountKey } from './support/fake-google.js';
import { NORTHGATE_SCHOOL } from '../../support/school-yaml.js';

const logger = createLogger({ level: 'silent' });
const keyFile = writeServiceAccountKey();
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-push-'));
const HOUR = 3_600_000;
const ADDRESS = 'https://lantern.example/hooks/google/reports/northgate';

function configWith(google: FakeGoogle, applications: string[], publicUrl = 'https://lantern.example'): LanternConfig {
  const file = path.join(dir, `config-${applications.join('-')}.yaml`);
  writeFileSync(
    file,
    `mail: { google: { tokenUrl: "${google.url}/token" } }
server: { publicUrl: "${publicUrl}" }
schools:
${NORTHGATE_SCHOOL}    google:
      customerId: C03az79cb
      adminSubject: it.admin@northgate.example
      applications: [${applications.join(', ')}]
      reportsUrl: ${google.url}
      push: { enabled: true, channelHours: 6, renewBeforeMinutes: 120 }
`,
  );
  return loadConfig({ file, env: { LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile }, cwd: dir });
}

describe('Google Reports API push channels (activities.watch)', () => {
  let google: FakeGoogle;
  let conn: Connection;
  let models: Models;
  let config: LanternConfig;
  let server: Server;
  let hookUrl = '';
  let now = Date.parse('2026-03-02T12:00:10Z');
  const clock = () => new Date(now);
  const enqueued: Array<{ schoolId: string; application: string; key: string }> = [];

  beforeAll(async () => {
    google = await new FakeGoogle().start();
    config = configWith(google, ['drive', 'login']);
    conn = await connectTestDatabase('push');
    models = createModels(conn);
    await ensureIndexes(models);
    const app = express();
    app.use('/hooks/google', createGooglePushRouter({ config, logger, clock, channels: models.googleWatchChannels, enqueuePoll: async (schoolId, application, key) => void enqueued.push({ schoolId, application, key }) }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/google/reports`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await google.stop();
    await dropTestDatabase(conn);
  });

  const notify = (school: string, channelId: string, token: string, state = 'exists') =>
    fetch(`${hookUrl}/${school}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-channel-id': channelId, 'x-goog-channel-token': token, 'x-goog-resource-state': state },
      body: JSON.stringify({ kind: 'admin#reports#activity' }),
    });
  const channelOf = (application: string) => google.watches.filter((w) => w.application === application).at(-1) as { id: string; token: string; address: string; expiration: string };

  it('starts one channel per application with a random token, the public address and an expiry, storing only the token hash', async () => {
    const summary = await renewWatchChannels({ config, models, logger, clock }, 'northgate');
    expect(summary).toMatchObject({ started: ['drive', 'login'], stopped: [], failed: [] });
    const drive = channelOf('drive');
    const login = channelOf('login');
    expect(drive).toMatchObject({ type: 'web_hook', address: ADDRESS, expiration: String(now + 6 * HOUR) });
    expect(drive.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(drive.token).not.toBe(login.token);
    const stored = await models.googleWatchChannels.findById(drive.id).lean();
    expect(stored).toMatchObject({ schoolId: 'northgate', application: 'drive', status: 'active', resourceId: 'res-drive-1' });
    expect(stored?.expiration?.getTime()).toBe(now + 6 * HOUR);
    expect(JSON.stringify(stored)).not.toContain(drive.token);
    // A second pass soon after changes nothing.
    expect(await renewWatchChannels({ config, models, logger, clock }, 'northgate')).toMatchObject({ started: [], stopped: [] });
  });

  it('refuses forged, unknown and other-school tokens, and enqueues nothing for them', async () => {
    const drive = channelOf('drive');
    const login = channelOf('login');
    expect((await notify('northgate', drive.id, 'forged-token')).status).toBe(401);
    expect((await notify('northgate', drive.id, login.token)).status).toBe(401); // another channel's token
    expect((await notify('northgate', 'no-such-channel', drive.token)).status).toBe(401);
    expect((await notify('riverside', drive.id, drive.token)).status).toBe(404);
    expect(enqueued).toEqual([]);
  });

  it('never reads the body: a forged notification with a huge nested body gets 401, a real one with junk is accepted', async () => {
    const drive = channelOf('drive');
    const post = (channelId: string, token: string, body: string) =>
      fetch(`${hookUrl}/northgate`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-channel-id': channelId, 'x-goog-channel-token': token, 'x-goog-resource-state': 'sync' }, body });
    expect((await post(drive.id, 'forged-token', '['.repeat(400_000))).status).toBe(401);
    expect((await post(drive.id, drive.token, '{"not json')).status).toBe(200);
    expect(enqueued).toEqual([]);
  });

  it('acknowledges the sync message and turns notifications into one early poll per application per minute', async () => {
    const drive = channelOf('drive');
    const login = channelOf('login');
    expect((await notify('northgate', drive.id, drive.token, 'sync')).status).toBe(200);
    expect(enqueued).toEqual([]);
    expect((await notify('northgate', drive.id, drive.token)).status).toBe(200);
    expect((await notify('northgate', login.id, login.token)).status).toBe(200);
    now += 60_000;
    expect((await notify('northgate', drive.id, drive.token)).status).toBe(200);
    const minute = Math.floor((now - 60_000) / 60_000);
    expect(enqueued).toEqual([
      { schoolId: 'northgate', application: 'drive', key: `push:northgate:google:drive:${minute}` },
      { schoolId: 'northgate', application: 'login', key: `push:northgate:google:login:${minute}` },
      { schoolId: 'northgate', application: 'drive', key: `push:northgate:google:drive:${minute + 1}` },
    ]);
  });

  it('polls only the notified application when a push asks for it', async () => {
    const before = google.requests.length;
    const summary = await pollSource({ config, models, logger, clock, clients: auditClientFactories(config) }, 'northgate', 'google', { streams: ['google:drive'] });
    expect(summary.streams.map((s) => s.stream)).toEqual(['google:drive']);
    expect(new Set(google.requests.slice(before).map((r) => r.application))).toEqual(new Set(['drive']));
  });

  it('renews a channel before it ends: starts the new one, then stops the old one with its id and resource id', async () => {
    const oldDrive = channelOf('drive');
    const oldLogin = channelOf('login');
    now += 4 * HOUR + 30 * 60_000; // 1 h 29 min left: inside the 2 h margin
    const summary = await renewWatchChannels({ config, models, logger, clock }, 'northgate');
    expect(summary).toMatchObject({ started: ['drive', 'login'], stopped: ['drive', 'login'], failed: [] });
    expect(google.stopped).toEqual([
      { id: oldDrive.id, resourceId: 'res-drive-1' },
      { id: oldLogin.id, resourceId: 'res-login-2' },
    ]);
    expect((await models.googleWatchChannels.findById(oldDrive.id).lean())?.status).toBe('stopped');
    // The stopped channel's token no longer opens the door; the new one does.
    expect((await notify('northgate', oldDrive.id, oldDrive.token)).status).toBe(401);
    expect((await notify('northgate', channelOf('drive').id, channelOf('drive').token)).status).toBe(200);
  });

  it('keeps the old channel when Google refuses the new one', async () => {
    const current = channelOf('drive');
    now += 4 * HOUR + 30 * 60_000;
    google.watchFailures.push({ status: 403 }, { status: 403 }); // the auth library retries a 403 once with a fresh token
    const summary = await renewWatchChannels({ config: configWith(google, ['drive']), models, logger, clock }, 'northgate');
    expect(summary.failed).toEqual(['start drive']);
    expect((await models.googleWatchChannels.findById(current.id).lean())?.status).toBe('active');
    // login is no longer configured: its channel is stopped.
    expect(summary.stopped).toEqual(['login']);
    expect(await models.googleWatchChannels.countDocuments({ application: 'login', status: 'active' })).toBe(0);
  });

  it('runs as a job every 30 minutes for schools with Google credentials', async () => {
    expect(watchSchedules(config)).toMatchObject([{ name: 'monitor.watch:northgate', cron: '*/30 * * * *' }]);
    const handler = watchJobHandlers({ config, models, logger, clock })['monitor.watch'];
    const result = await handler({ data: { schoolId: 'northgate' } } as never, { logger } as never);
    expect(result.failed).toEqual([]);
  });

  it('refuses to start push without a public https base URL, with the fix', () => {
    expect(() => pushAddress({ ...config, server: { ...config.server, publicUrl: 'http://lantern.example' } } as LanternConfig, 'northgate')).toThrow(
      expect.objectContaining({ code: ErrorCode.PushNotConfigured, message: expect.stringContaining('server.publicUrl') }),
    );
    expect(pushAddress(config, 'northgate')).toBe(ADDRESS);
    const raw = {
      schools: [{ id: 'northgate', name: 'N', ownDomains: ['northgate.example'], dsl: { members: [{ email: 'a@northgate.example' }], channel: { teamId: 't', channelId: 'c' } }, google: { customerId: 'C03az79cb', push: { enabled: true } } }],
    };
    expect(() => validateFileConfig(raw, 'test.yaml')).toThrow(/schools\[0\]\.google\.push\.enabled: push needs server\.publicUrl/);
  });
});
