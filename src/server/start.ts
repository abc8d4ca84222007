import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import os from 'node:os';
import type { Connection } from 'mongoose';
import type { LanternConfig } from '../config/load.js';
import { ErrorCode, LanternError } from '../errors.js';
import type { Models } from '../stores.js';
import { runMigrations } from '../db/migrations.js';
import { openDatabase } from '../stores.js';
import { syncDirectory } from '../directory/sync.js';
import { isRemoteDirectory, readLocalDirectory } from '../directory/source.js';
import { revokeStaleTokens } from '../parents/link-status.js';
import { seedDemoAgreements } from '../agreements/demo-seed.js';
import { policyPageLinks } from '../agreements/policy-link.js';
import { seedDemoRecords } from '../records/demo-seed.js';
import { seedDemoConsents } from '../parents/demo-seed.js';
import type { Logger } from '../log/logger.js';
import { JobRunner, JobScheduler } from '../jobs/index.js';
import { createAdapter } from '../teams/adapter.js';
import { createBot } from '../teams/bot.js';
import { createTeamsEdge } from '../teams/edge.js';
import { jobHandlers, registerSchedules, type LanternJobHandlers } from './jobs.js';
import { STARTUP_MIGRATIONS } from './migrations.js';
import { sealExistingEntries } from '../ops/integrity/anchor.js';
import { createWebApp } from '../web/app.js';
import { assertBindAllowed } from '../web/bind-guard.js';

/** A running Lantern: where it listens, which database it uses, and how to stop it. */
export interface RunningLantern {
  readonly url: string;
  /** The background job runner; capabilities enqueue work on it. */
  readonly jobs: JobRunner<LanternJobHandlers>;
  readonly port: number;
  readonly database: string;
  readonly connection: Connection;
  readonly models: Models;
  stop(): Promise<void>;
}

function listen(app: ReturnType<typeof createWebApp>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new LanternError(ErrorCode.PortInUse, `Port ${port} on ${host} is already in use: stop the other program or set PORT to a free port.`, { cause: err })
          : err,
      ),
    );
  });
}

/** How a server is started: tests and benches drive the jobs themselves, benches count database commands. */
export interface StartOptions {
  readonly backgroundJobs?: boolean;
  /** The driver emits its command events on `connection.getClient()` (the benches count them). */
  readonly monitorCommands?: boolean;
}

/**
 * Starts Lantern: database, indexes, directories, background jobs, the bot and the HTTP server. Refuses to
 * bind a non-loopback address without Microsoft credentials, before touching the database.
 * `backgroundJobs: false` leaves the runner and scheduler stopped (tests drive them with `runDue`).
 */
export async function startLantern(config: LanternConfig, logger: Logger, options: StartOptions = {}): Promise<RunningLantern> {
  assertBindAllowed(config.server.host, config.bot !== null);
  const { connection, models, description, health, close } = await openDatabase(config, logger, { role: 'server', monitorCommands: options.monitorCommands ?? false });
  const cleanup: (() => Promise<void>)[] = [close];
  const stopAll = async () => {
    for (const step of cleanup.splice(0)) await step().catch((err) => logger.warn({ err }, 'shutdown step failed'));
  };
  try {
    logger.info({ database: description }, 'database connected');
    const instanceId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    // Sealing what was written before needs the key, so that migration joins the list only when there is one.
    const migrations = models.integrity ? [...STARTUP_MIGRATIONS, sealExistingEntries(models.integrity)] : STARTUP_MIGRATIONS;
    await runMigrations(connection.db!, migrations, { owner: instanceId, logger });
    for (const school of config.schools) {
      // Google, Entra and Wonde directories are read by the directory.sync job (queued below), not on the start-up path.
      const local = readLocalDirectory(school);
      if (!local) continue;
      const counts = await syncDirectory(models.people, school.id, local).catch((err: unknown) => {
        // An empty file must not wipe the school: keep the stored people and say why.
        if (err instanceof LanternError && err.code === ErrorCode.DirectorySyncRefused) {
          logger.error({ schoolId: school.id, source: school.directory.source, code: err.code }, err.message);
          return null;
        }
        throw err;
      });
      if (!counts) continue;
      if (counts.deactivated > 0) await revokeStaleTokens(models, school.id, new Date());
      logger.info({ schoolId: school.id, source: school.directory.source, ...counts }, 'directory loaded');
    }
    await seedDemoAgreements(models, config, logger);
    await seedDemoRecords(models, config, logger);
    await seedDemoConsents(models, config, logger);

    const clock = () => new Date();
    // Cards link to the policy pages at the public address; the demo uses the one it listens on (loopback), known below.
    const listening: { url?: string } = {};
    const policyLinks = policyPageLinks(() => config.server.publicUrl ?? (config.mode === 'demo' ? listening.url : undefined));
    // The one Agents SDK adapter: the bot, the proactive sender and every job that posts to Teams share it.
    const teams = createTeamsEdge({ adapter: createAdapter(config), config, models, logger, clock, policyLinks });
    const ports = { caseNotifier: teams.caseNotifier, digestCards: teams.digestCards, agreementCards: teams.agreementCards, trainingReminders: teams.trainingReminders, withdrawalNotices: teams.withdrawalNotices };
    const jobs = new JobRunner({ models, handlers: jobHandlers({ config, models, logger, clock, ...ports }), clock, logger, instanceId });
    const scheduler = new JobScheduler({ models, runner: jobs, clock, logger });
    registerSchedules(scheduler, config);
    for (const school of config.schools.filter(isRemoteDirectory)) {
      await jobs.enqueue('directory.sync', { key: `directory.sync:${school.id}:start:${clock().toISOString().slice(0, 10)}`, schoolId: school.id, data: { schoolId: school.id } });
    }
    if (options.backgroundJobs ?? true) {
      scheduler.start();
      jobs.start();
      cleanup.unshift(async () => {
        await scheduler.stop();
        await jobs.stop();
      });
    }

    const { adapter, agent, channelTokens } = createBot({ config, models, logger, adapter: teams.adapter, proactive: teams.sender, sending: teams.sending, policyLinks });
    const sign = { config, models, logger, clock, signIn: config.pupilSignIn };
    const googlePush = {
      config,
      logger,
      clock,
      channels: models.googleWatchChannels,
      enqueuePoll: async (schoolId: string, application: string, key: string) =>
        void (await jobs.enqueue('monitor.poll', { key, schoolId, data: { schoolId, source: 'google', streams: [`google:${application}`] } })),
    };
    const app = createWebApp({
      logger,
      connection,
      config,
      adapter,
      agent,
      channelTokens,
      sign,
      googlePush,
      dashboard: { config, models, logger, clock, caseNotifier: teams.caseNotifier },
      ...(health ? { databaseHealth: { health, graceMs: config.database.downGraceMs } } : {}),
    });
    const server = await listen(app, config.server.host, config.server.port);
    cleanup.unshift(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    );
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    const hostForUrl = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
    listening.url = `http://${hostForUrl}:${port}`;
    return { url: listening.url, port, database: description, connection, models, jobs, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
