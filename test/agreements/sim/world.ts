import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { Activity } from '@microsoft/agents-activity';
import { TurnContext } from '@microsoft/agents-hosting';
import { agreementJobHandlers, rolloverCron, TICK_CRON } from '../../../src/agreements/jobs.js';
import { loadConfig, type LanternConfig, type School } from '../../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../../src/stores.js';
import { directoryJobHandlers, DIRECTORY_SYNC_CRON } from '../../../src/directory/jobs.js';
import { jobCleanupHandlers, jobCleanupSchedules } from '../../../src/jobs/cleanup.js';
import { JobRunner, JobScheduler } from '../../../src/jobs/index.js';
import { createLogger } from '../../../src/log/logger.js';
import { startFakeBotConnector, type FakeBotConnector } from '../../../src/bench/fake-bot-connector.js';
import { CARD_ACTIONS } from '../../../src/teams/card-actions.js';
import type { AdaptiveCardJson } from '../../../src/teams/cards.js';
import { identifySender } from '../../../src/teams/identify.js';
import { dropTestDatabase } from '../../support/db.js';
import { connectMeteredDatabase, type CommandMeter } from './meter.js';
import { SimDirectory, type SchoolSize } from './school.js';
import { teamsEdgeFor } from '../../support/teams.js';

export const SCHOOL_ID = 'sim';
export const DSL_EMAIL = 's001@sim.example';
const TENANT = '5e5e5e5e-1111-4000-8000-000000000001';

/** A clock the simulation sets; between settings it runs on with real time, so waits inside a step still end. */
export class SimClock {
  private base: number;
  private anchor = Date.now();
  constructor(start: Date) {
    this.base = start.getTime();
  }
  set(at: Date): void {
    this.base = at.getTime();
    this.anchor = Date.now();
  }
  now = (): Date => new Date(this.base + (Date.now() - this.anchor));
}

/** The simulated school: its database, configuration, directory, jobs, Teams chats and the Bot Connector stand-in. */
export interface SimWorld {
  conn: Connection;
  models: Models;
  config: LanternConfig;
  school: School;
  directory: SimDirectory;
  clock: SimClock;
  connector: FakeBotConnector;
  /** The database commands so far, by phase. */
  meter: CommandMeter;
  /** Runs the scheduler at the current time and every job it (or anything else) enqueued. */
  runJobs(): Promise<void>;
  /** Writes the directory CSV; the nightly directory.sync job picks it up. */
  writeDirectory(): void;
  /** Lantern installed in this person's personal chat (a stored conversation at the connector stand-in). */
  install(personId: string): Promise<void>;
  /** Presses a card button as this person (the real card handler, through its verb table). */
  act(personId: string, verb: string, data: Record<string, unknown>): Promise<AdaptiveCardJson | string>;
  /** The person whose chat a conversation id is. */
  personOfConversation(conversationId: string): string | undefined;
  close(): Promise<void>;
}

/** Builds the world at `start`: directory synced through the directory job, nothing issued yet. */
export async function createSimWorld(size: SchoolSize, start: Date): Promise<SimWorld> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-sim-'));
  writeFileSync(
    path.join(dir, 'lantern.config.yaml'),
    [
      'schools:',
      `  - id: ${SCHOOL_ID}`,
      '    name: Simulated Primary',
      '    timezone: Europe/London',
      '    ownDomains: [sim.example]',
      '    dsl:',
      '      members:',
      `        - { email: ${DSL_EMAIL}, role: dsl }`,
      '      channel: { teamId: 5e5e5e5e-2222-4000-8000-000000000001, channelId: "19:sim@thread.tacv2" }',
      '    directory:',
      '      source: csv',
      '      file: directory.csv',
      '',
    ].join('\n'),
  );
  const directory = new SimDirectory(size);
  const csv = path.join(dir, 'directory.csv');
  directory.writeCsv(csv);
  const config = loadConfig({ file: path.join(dir, 'lantern.config.yaml'), env: { LOG_LEVEL: 'silent' }, cwd: dir, requireSecrets: false });
  const school = config.schools[0] as School;
  // Its own connection with command monitoring, so the test can say what a simulated day costs the database.
  const { conn, meter } = await connectMeteredDatabase('agr_year');
  const models = createModels(conn);
  await ensureIndexes(models);
  const connector = await startFakeBotConnector({ seed: 11 });
  const clock = new SimClock(start);
  const logger = createLogger({ level: 'silent' });
  const deps = { config, models, logger, clock: clock.now };
  const teams = teamsEdgeFor(config, models, { logger, clock: clock.now });
  // The server's nightly clean-up of finished jobs too: without it the jobs collection, which every claim reads, grows all year.
  const real = { ...directoryJobHandlers(deps), ...agreementJobHandlers({ ...deps, agreementCards: teams.agreementCards }), ...jobCleanupHandlers(deps) };
  // Each job's commands are counted under its name.
  const handlers = Object.fromEntries(
    Object.entries(real).map(([name, run]) => [name, async (...args: Parameters<typeof run>) => {
      const outer = meter.phase;
      meter.phase = name;
      try {
        return await (run as (...a: typeof args) => Promise<unknown>)(...args);
      } finally {
        meter.phase = outer;
      }
    }]),
  ) as typeof real;
  const runner = new JobRunner({ models, handlers, clock: clock.now, logger, instanceId: 'sim-1', concurrency: 1, random: () => 0.5 });
  const scheduler = new JobScheduler({ models, runner, clock: clock.now, logger });
  scheduler.registerSchedule({ name: `directory.sync:${SCHOOL_ID}`, cron: DIRECTORY_SYNC_CRON, timezone: school.timezone, jobName: 'directory.sync', schoolId: SCHOOL_ID, data: { schoolId: SCHOOL_ID } });
  scheduler.registerSchedule({ name: `agreements.tick:${SCHOOL_ID}`, cron: TICK_CRON, timezone: school.timezone, jobName: 'agreements.tick', schoolId: SCHOOL_ID, data: { schoolId: SCHOOL_ID } });
  scheduler.registerSchedule({ name: `agreements.rollover:${SCHOOL_ID}`, cron: rolloverCron(school), timezone: school.timezone, jobName: 'agreements.rollover', schoolId: SCHOOL_ID, data: { schoolId: SCHOOL_ID } });
  for (const schedule of jobCleanupSchedules()) scheduler.registerSchedule(schedule);
  const chats = new Map<string, string>();

  const world: SimWorld = {
    conn,
    models,
    config,
    school,
    directory,
    clock,
    connector,
    meter,
    async runJobs() {
      await scheduler.tick();
      await runner.runDue();
    },
    writeDirectory: () => directory.writeCsv(csv),
    async install(personId) {
      const person = directory.people.get(personId);
      if (!person?.aadObjectId) throw new Error(`${personId} has no Teams account`);
      const conversationId = `a:chat-${personId}`;
      chats.set(conversationId, personId);
      await models.conversationRefs.create({
        conversationId,
        scope: 'personal',
        aadObjectId: person.aadObjectId,
        schoolId: SCHOOL_ID,
        reference: { serviceUrl: connector.url, channelId: 'msteams', conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT }, user: { id: `29:${personId}`, aadObjectId: person.aadObjectId }, agent: { id: '28:lantern' } },
      });
    },
    async act(personId, verb, data) {
      const person = directory.people.get(personId);
      const activity = Activity.fromObject({
        type: 'invoke',
        name: 'adaptiveCard/action',
        id: `act-${personId}-${clock.now().getTime()}`,
        channelId: 'msteams',
        serviceUrl: connector.url,
        from: { id: `29:${personId}`, name: person?.displayName ?? personId, aadObjectId: person?.aadObjectId ?? aadFor404(personId) },
        recipient: { id: '28:lantern', name: 'Lantern' },
        conversation: { id: `a:chat-${personId}`, conversationType: 'personal', tenantId: TENANT },
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      });
      const turn = new TurnContext(teams.adapter, activity);
      const sender = await identifySender(turn.activity, config, models);
      const handler = CARD_ACTIONS[verb];
      if (!handler) throw new Error(`no card verb ${verb}`);
      return handler({ turn, sender, config, models, proactive: teams.sender, policyLinks: teams.policyLinks, log: logger, verb, data, trigger: 'manual', clock: clock.now });
    },
    personOfConversation: (id) => chats.get(id),
    async close() {
      await connector.close();
      await dropTestDatabase(conn);
    },
  };
  // The first sync now, through the directory job, rather than at the next 02:00.
  await runner.enqueue('directory.sync', { key: `directory.sync:${SCHOOL_ID}:sim-start`, schoolId: SCHOOL_ID, data: { schoolId: SCHOOL_ID } });
  await world.runJobs();
  return world;
}

function aadFor404(personId: string): string {
  return `00000000-0000-4000-8000-${personId.padStart(12, '0').slice(-12)}`;
}
