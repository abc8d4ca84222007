import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import type { LanternConfig } from '../../config/load.js';
import type { Logger } from '../../log/logger.js';
import type { admin_reports_v1 } from 'googleapis/build/src/apis/admin/reports_v1.js';
import { readServiceAccountKey, type ServiceAccountKey } from './service-account.js';

/**
 * The channel token of a school's Reports API push channel: an HMAC of the school id keyed by the service
 * account's private key, so it needs no storage, differs per school and cannot be guessed by a sender.
 */
export function watchChannelToken(key: ServiceAccountKey, schoolId: string): string {
  return createHmac('sha256', key.privateKey).update(`lantern-reports-watch:${schoolId}`).digest('base64url');
}

/** What a watch needs. */
export interface WatchOptions {
  client: admin_reports_v1.Admin;
  customerId: string;
  application: string;
  /** The https URL Google posts to: `${publicUrl}/hooks/google/reports/${schoolId}`. */
  address: string;
  token: string;
  /** Requested channel lifetime (Google may shorten it); renew before it ends. */
  ttlMs?: number;
  now?: number;
}

/** Opens a push channel (`activities.watch`) for one application; returns the channel id and when it expires. */
export async function startReportsWatch(options: WatchOptions): Promise<{ channelId: string; expiration: number | null }> {
  const channelId = randomUUID();
  const res = await options.client.activities.watch({
    userKey: 'all',
    applicationName: options.application,
    customerId: options.customerId,
    requestBody: {
      id: channelId,
      type: 'web_hook',
      address: options.address,
      token: options.token,
      expiration: String((options.now ?? Date.now()) + (options.ttlMs ?? 6 * 3_600_000)),
    },
  });
  const expiration = Number(res.data.expiration);
  return { channelId, expiration: Number.isFinite(expiration) ? expiration : null };
}

/** What the push route needs: who may post, and how to ask for a poll. */
export interface GooglePushDeps {
  config: LanternConfig;
  logger: Logger;
  /** Enqueues a poll of the school's Google streams (idempotent per key). */
  enqueuePoll(schoolId: string, key: string): Promise<void>;
  clock?: () => Date;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `POST /hooks/google/reports/:schoolId`: Google's notification that new activity exists. The route only
 * verifies the channel token and asks for a poll (one per school per minute, however many notifications come);
 * the poll reads the activities through the API, so nothing in the notification body is trusted or kept.
 */
export function createGooglePushRouter(deps: GooglePushDeps): Router {
  const router = express.Router();
  const keys = new Map<string, ServiceAccountKey>();
  router.post('/reports/:schoolId', express.json({ limit: '256kb' }), async (req, res) => {
    const schoolId = String(req.params.schoolId);
    const creds = deps.config.monitoring.google[schoolId];
    if (!creds) {
      res.status(404).json({ error: 'No Google monitoring is configured for this school.' });
      return;
    }
    let key = keys.get(schoolId);
    if (!key) {
      key = readServiceAccountKey(creds.serviceAccountKeyFile);
      keys.set(schoolId, key);
    }
    const given = req.get('x-goog-channel-token') ?? '';
    if (!sameToken(given, watchChannelToken(key, schoolId))) {
      deps.logger.warn({ schoolId, channelId: req.get('x-goog-channel-id') }, 'Google push notification with a wrong channel token refused');
      res.status(401).json({ error: 'The channel token does not match.' });
      return;
    }
    if (req.get('x-goog-resource-state') === 'sync') {
      res.status(200).end();
      return;
    }
    const minute = Math.floor((deps.clock?.() ?? new Date()).getTime() / 60_000);
    await deps.enqueuePoll(schoolId, `push:${schoolId}:google:${minute}`);
    res.status(200).end();
  });
  return router;
}
