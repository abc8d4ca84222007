import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import type { Model } from 'mongoose';
import type { LanternConfig } from '../../config/load.js';
import type { Logger } from '../../log/logger.js';
import type { admin_reports_v1 } from 'googleapis/build/src/apis/admin/reports_v1.js';
import type { WatchChannel } from './watch-model.js';

/** A fresh channel token: a random secret Google sends back with every notification of the channel. */
export function newChannelToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a channel token. */
export function hashChannelToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** What a watch needs. */
export interface WatchOptions {
  client: admin_reports_v1.Admin;
  customerId: string;
  application: string;
  /** The https URL Google posts to: `${publicUrl}/hooks/google/reports/${schoolId}`. */
  address: string;
  token: string;
  /** The channel id to use (default a new UUID); stored before the call so the first notification can be verified. */
  channelId?: string;
  /** Requested channel lifetime (Google may shorten it); renew before it ends. */
  ttlMs?: number;
  now?: number;
  signal?: AbortSignal;
}

/** Opens a push channel (`activities.watch`) for one application; returns the channel and resource ids and when it expires. */
export async function startReportsWatch(options: WatchOptions): Promise<{ channelId: string; resourceId: string | null; expiration: number | null }> {
  const channelId = options.channelId ?? randomUUID();
  const res = await options.client.activities.watch(
    {
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
    },
    { retry: false, ...(options.signal ? { signal: options.signal } : {}) },
  );
  const expiration = Number(res.data.expiration);
  return { channelId, resourceId: res.data.resourceId ?? null, expiration: Number.isFinite(expiration) ? expiration : null };
}

/** Stops a push channel (`channels.stop` with the channel and resource ids). */
export async function stopReportsWatch(client: admin_reports_v1.Admin, channel: { id: string; resourceId: string }, signal?: AbortSignal): Promise<void> {
  await client.channels.stop({ requestBody: { id: channel.id, resourceId: channel.resourceId } }, { retry: false, ...(signal ? { signal } : {}) });
}

/** What the push route needs: who may post, and how to ask for a poll. */
export interface GooglePushDeps {
  config: LanternConfig;
  logger: Logger;
  channels: Model<WatchChannel>;
  /** Enqueues an early poll of one application's stream (idempotent per key). */
  enqueuePoll(schoolId: string, application: string, key: string): Promise<void>;
  clock?: () => Date;
}

function sameHash(given: string, expected: string): boolean {
  const a = Buffer.from(hashChannelToken(given), 'hex');
  const b = Buffer.from(expected, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `POST /hooks/google/reports/:schoolId`: Google's notification that new activity exists. The route only
 * verifies the channel (its id, school and token against the stored hash, and that it has not expired) and asks
 * for an early poll of that application (one per application per minute, however many notifications come); the
 * poll reads the activities through the API and its checkpoint stores the detections, so nothing in the body is
 * trusted or kept.
 */
export function createGooglePushRouter(deps: GooglePushDeps): Router {
  const router = express.Router();
  // No body parser: everything the route trusts is in the headers, so the body is never read.
  router.post('/reports/:schoolId', async (req, res) => {
    const schoolId = String(req.params.schoolId);
    if (!deps.config.monitoring.google[schoolId]) {
      res.status(404).json({ error: 'No Google monitoring is configured for this school.' });
      return;
    }
    const now = deps.clock?.() ?? new Date();
    const channelId = req.get('x-goog-channel-id') ?? '';
    const channel = channelId ? await deps.channels.findById(channelId).lean<WatchChannel>() : null;
    const live = channel && channel.schoolId === schoolId && (channel.status === 'starting' || channel.status === 'active') && !(channel.expiration && channel.expiration.getTime() < now.getTime());
    if (!channel || !live || !sameHash(req.get('x-goog-channel-token') ?? '', channel.tokenHash)) {
      deps.logger.warn({ schoolId, known: Boolean(channel) }, 'Google push notification refused: unknown channel, wrong token or a channel no longer open');
      res.status(401).json({ error: 'The channel or its token does not match an open channel.' });
      return;
    }
    if (req.get('x-goog-resource-state') === 'sync') {
      res.status(200).end();
      return;
    }
    const minute = Math.floor(now.getTime() / 60_000);
    await deps.enqueuePoll(schoolId, channel.application, `push:${schoolId}:google:${channel.application}:${minute}`);
    await deps.channels.updateOne({ _id: channel._id }, { $set: { lastNotificationAt: now } });
    res.status(200).end();
  });
  return router;
}
