import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanternConfig } from '../../../src/config/load.js';
import { createGooglePushRouter, startReportsWatch, watchChannelToken } from '../../../src/google/reports/push.js';
import { createReportsClient } from '../../../src/google/reports/reports-stream.js';
import { createDelegatedAuth, readServiceAccountKey, REPORTS_AUDIT_SCOPE } from '../../../src/google/reports/service-account.js';
import { createLogger } from '../../../src/log/logger.js';
import { FakeGoogle, writeServiceAccountKey } from './support/fake-google.js';

const keyFile = writeServiceAccountKey();
const key = readServiceAccountKey(keyFile);
const config = { monitoring: { google: { northgate: { serviceAccountKeyFile: keyFile, adminSubject: 'it.admin@northgate.example' } }, microsoft: {} } } as unknown as LanternConfig;

describe('Google Reports API push (activities.watch)', () => {
  const enqueued: Array<{ schoolId: string; key: string }> = [];
  let server: Server;
  let url = '';
  let now = Date.parse('2026-03-02T12:00:10Z');

  beforeAll(async () => {
    const app = express();
    app.use('/hooks/google', createGooglePushRouter({ config, logger: createLogger({ level: 'silent' }), clock: () => new Date(now), enqueuePoll: async (schoolId, key) => void enqueued.push({ schoolId, key }) }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/google/reports`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const notify = (school: string, token: string, state = 'exists') =>
    fetch(`${url}/${school}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-channel-token': token, 'x-goog-resource-state': state, 'x-goog-channel-id': 'chan-1' }, body: JSON.stringify({ kind: 'admin#reports#activity' }) });

  it('refuses a notification with a forged channel token and enqueues nothing', async () => {
    expect((await notify('northgate', 'forged')).status).toBe(401);
    expect((await notify('northgate', watchChannelToken(key, 'riverside'))).status).toBe(401); // another school's token
    expect((await notify('riverside', watchChannelToken(key, 'riverside'))).status).toBe(404);
    expect(enqueued).toEqual([]);
  });

  it('acknowledges the sync message, and turns real notifications into one poll per minute', async () => {
    const token = watchChannelToken(key, 'northgate');
    expect((await notify('northgate', token, 'sync')).status).toBe(200);
    expect(enqueued).toEqual([]);
    expect((await notify('northgate', token)).status).toBe(200);
    expect((await notify('northgate', token)).status).toBe(200);
    now += 60_000;
    expect((await notify('northgate', token)).status).toBe(200);
    expect(enqueued.map((e) => e.key)).toEqual(['push:northgate:google:29540880', 'push:northgate:google:29540880', 'push:northgate:google:29540881']);
  });

  it('opens a watch channel with the token and address', async () => {
    const google = await new FakeGoogle().start();
    try {
      const auth = createDelegatedAuth({ key, subject: 'it.admin@northgate.example', scopes: [REPORTS_AUDIT_SCOPE], tokenUrl: `${google.url}/token` });
      const token = watchChannelToken(key, 'northgate');
      const result = await startReportsWatch({ client: createReportsClient(auth, google.url), customerId: 'C03az79cb', application: 'drive', address: 'https://lantern.example/hooks/google/reports/northgate', token, now: 1_000, ttlMs: 3_600_000 });
      expect(result.expiration).toBe(3_601_000);
      expect(google.watches).toEqual([{ application: 'drive', id: result.channelId, type: 'web_hook', address: 'https://lantern.example/hooks/google/reports/northgate', token, expiration: '3601000' }]);
    } finally {
      await google.stop();
    }
  });
});
