import { randomUUID } from 'node:crypto';
import type { admin_reports_v1 } from 'googleapis/build/src/apis/admin/reports_v1.js';
import type { LanternConfig } from '../../config/load.js';
import { GOOGLE_AUDIT_APPLICATIONS } from '../../config/schema.js';
import type { Models } from '../../stores.js';
import { ErrorCode, LanternError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { httpFailureOf } from '../../http/failure.js';
import { createReportsClient, REPORTS_AUDIT_SCOPE } from './reports-stream.js';
import { googleAuthFactory } from '../auth.js';
import { hashChannelToken, newChannelToken, startReportsWatch, stopReportsWatch } from './push.js';
import type { WatchChannel } from './watch-model.js';

/** What renewing a school's channels needs; `client` replaces the Reports API client (tests). */
export interface WatchDeps {
  config: LanternConfig;
  models: Models;
  logger: Logger;
  clock: () => Date;
  client?: admin_reports_v1.Admin;
}

/** What one renewal pass did. */
export interface WatchSummary {
  started: string[];
  stopped: string[];
  expired: number;
  failed: string[];
}

// A channel stored as "starting" this long ago never got Google's answer (a crash or a timeout): give up on it.
const STARTING_GRACE_MS = 10 * 60_000;

/** The https address Google posts a school's notifications to; refuses without a public https base URL. */
export function pushAddress(config: LanternConfig, schoolId: string): string {
  const base = config.server.publicUrl;
  if (!base || !base.startsWith('https://')) {
    throw new LanternError(
      ErrorCode.PushNotConfigured,
      `Google push for school ${schoolId} needs server.publicUrl: set it to the public https address Google can reach Lantern at (e.g. https://lantern.northgate.sch.uk), or turn google.push off.`,
    );
  }
  return `${base.replace(/\/+$/, '')}/hooks/google/reports/${encodeURIComponent(schoolId)}`;
}

function clientFor(deps: WatchDeps, schoolId: string): admin_reports_v1.Admin {
  if (deps.client) return deps.client;
  const creds = deps.config.monitoring.google[schoolId];
  const school = deps.config.schools.find((s) => s.id === schoolId);
  if (!creds || !school?.google) throw new LanternError(ErrorCode.PushNotConfigured, `School ${schoolId} has no Google audit-log credentials: set google.adminSubject and LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE.`);
  const auth = googleAuthFactory({ keyFile: creds.serviceAccountKeyFile, refreshOnAuthFailure: true, ...(deps.config.mail.google.tokenUrl ? { tokenUrl: deps.config.mail.google.tokenUrl } : {}) });
  return createReportsClient(auth(creds.adminSubject, [REPORTS_AUDIT_SCOPE]), school.google.reportsUrl);
}

/** The applications a school wants push channels for: none unless google.push.enabled and credentials exist. */
export function pushApplications(config: LanternConfig, schoolId: string): string[] {
  const school = config.schools.find((s) => s.id === schoolId);
  const g = school?.google;
  if (!g?.push?.enabled || !config.monitoring.google[schoolId]) return [];
  return [...(g.applications ?? GOOGLE_AUDIT_APPLICATIONS)];
}

async function stopChannel(deps: WatchDeps, client: admin_reports_v1.Admin, channel: WatchChannel, summary: WatchSummary, log: Logger): Promise<void> {
  try {
    if (channel.resourceId) await stopReportsWatch(client, { id: channel._id, resourceId: channel.resourceId });
  } catch (err) {
    // 404: Google no longer knows the channel, which is what stopping wanted. Anything else: try again next pass.
    if (httpFailureOf(err)?.status !== 404) {
      log.warn({ channelId: channel._id, application: channel.application, status: httpFailureOf(err)?.status }, 'could not stop a push channel; the next pass tries again');
      summary.failed.push(`stop ${channel.application}`);
      return;
    }
  }
  await deps.models.googleWatchChannels.updateOne({ _id: channel._id }, { $set: { status: 'stopped', stoppedAt: deps.clock() } });
  summary.stopped.push(channel.application);
}

async function startChannel(deps: WatchDeps, client: admin_reports_v1.Admin, schoolId: string, application: string, address: string, summary: WatchSummary, log: Logger): Promise<boolean> {
  const school = deps.config.schools.find((s) => s.id === schoolId);
  const g = school?.google;
  if (!g) return false;
  const token = newChannelToken();
  const channelId = randomUUID();
  const now = deps.clock().getTime();
  // Stored first: Google sends a "sync" notification as soon as the channel exists, maybe before watch returns.
  await deps.models.googleWatchChannels.create({ _id: channelId, schoolId, application, tokenHash: hashChannelToken(token), status: 'starting' });
  try {
    const started = await startReportsWatch({ client, customerId: g.customerId, application, address, token, channelId, now, ttlMs: (g.push?.channelHours ?? 6) * 3_600_000 });
    const expiration = new Date(started.expiration ?? now + (g.push?.channelHours ?? 6) * 3_600_000);
    await deps.models.googleWatchChannels.updateOne({ _id: channelId }, { $set: { status: 'active', expiration, ...(started.resourceId ? { resourceId: started.resourceId } : {}) } });
    summary.started.push(application);
    return true;
  } catch (err) {
    const status = httpFailureOf(err)?.status;
    await deps.models.googleWatchChannels.updateOne({ _id: channelId }, { $set: { status: 'failed', error: status ? `HTTP ${status}` : 'no answer' } });
    log.warn({ application, status }, 'could not start a push channel; polling goes on and the next pass tries again');
    summary.failed.push(`start ${application}`);
    return false;
  }
}

/**
 * One pass over a school's push channels: for each application with push on, starts a channel when there is
 * none or the newest ends within renewBeforeMinutes, then stops the older ones (a new channel first, so no
 * notification gap); stops channels of applications no longer configured (or of a school with push turned
 * off); marks expired ones. Polling is unaffected by any failure here.
 */
export async function renewWatchChannels(deps: WatchDeps, schoolId: string): Promise<WatchSummary> {
  const summary: WatchSummary = { started: [], stopped: [], expired: 0, failed: [] };
  const log = deps.logger.child({ schoolId, component: 'google-push' });
  const now = deps.clock().getTime();
  const wanted = pushApplications(deps.config, schoolId);
  const open = await deps.models.googleWatchChannels.find({ schoolId, status: { $in: ['starting', 'active'] } }).lean<WatchChannel[]>();
  const live: WatchChannel[] = [];
  for (const channel of open) {
    const gone = channel.status === 'active' ? Boolean(channel.expiration && channel.expiration.getTime() <= now) : new Date(channel.createdAt).getTime() < now - STARTING_GRACE_MS;
    if (gone) {
      await deps.models.googleWatchChannels.updateOne({ _id: channel._id }, { $set: { status: channel.status === 'active' ? 'expired' : 'failed' } });
      summary.expired++;
    } else live.push(channel);
  }
  if (wanted.length === 0 && live.length === 0) return summary;
  const client = clientFor(deps, schoolId);
  const address = wanted.length > 0 ? pushAddress(deps.config, schoolId) : '';
  const renewBeforeMs = (deps.config.schools.find((s) => s.id === schoolId)?.google?.push?.renewBeforeMinutes ?? 120) * 60_000;
  for (const application of wanted) {
    const mine = live.filter((c) => c.application === application && c.status === 'active').sort((a, b) => (b.expiration?.getTime() ?? 0) - (a.expiration?.getTime() ?? 0));
    const newest = mine[0];
    const due = !newest || !newest.expiration || newest.expiration.getTime() - now < renewBeforeMs;
    const keep = due ? ((await startChannel(deps, client, schoolId, application, address, summary, log)) ? undefined : newest) : newest;
    for (const old of mine) if (old !== keep) await stopChannel(deps, client, old, summary, log);
  }
  for (const channel of live) {
    if (channel.status === 'active' && !wanted.includes(channel.application)) await stopChannel(deps, client, channel, summary, log);
  }
  if (summary.started.length + summary.stopped.length + summary.failed.length > 0) log.info(summary, 'push channels renewed');
  return summary;
}
