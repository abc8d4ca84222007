import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoFileConfig } from '../../src/config/demo.js';
import { loadConfig, type LanternConfig } from '../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { digestJobHandlers, type DigestJobData } from '../../src/digest/jobs.js';
import type { JobContext, JobRun } from '../../src/jobs/index.js';
import { createLogger } from '../../src/log/logger.js';
import { startConnectorStandIn, type ConnectorStandIn } from '../cases/connector-stand-in.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { forbiddenStrings, insertFixtures, NOW } from './fixtures.js';
import { startGmailStandIn, type GmailStandIn } from './stand-ins.js';
import { jobPortsFor } from '../support/teams.js';

const GOVERNORS_CHANNEL = '19:governors-channel@thread.tacv2';
const TENANT = '00000000-0000-0000-0000-0000000000001';
const logger = createLogger({ level: 'silent' });
let conn: Connection;
let models: Models;
let connector: ConnectorStandIn;
let gmail: GmailStandIn;

/** The demo school with a governors' channel; without `gmail` it chooses the card only (no email recipients). */
function cardConfig(gmail?: GmailStandIn): LanternConfig {
  const file = demoFileConfig();
  const school = file.schools[0] as (typeof file.schools)[number];
  const digest = { ...(school.digest as NonNullable<typeof school.digest>), ...(gmail ? {} : { recipients: [] }), channel: { teamId: 'governors-team', channelId: GOVERNORS_CHANNEL } };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'digest-card-'));
  const target = path.join(dir, 'lantern.config.json');
  const mail = gmail ? { mail: { google: { apiUrl: gmail.url, tokenUrl: gmail.tokenUrl } } } : {};
  writeFileSync(target, JSON.stringify({ ...file, schools: [{ ...school, digest }], ...mail }));
  return loadConfig({ file: target, env: { LOG_LEVEL: 'silent', ...(gmail ? { LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: gmail.keyFile } : {}) }, cwd: dir });
}

async function runJob(config: LanternConfig): Promise<Record<string, unknown>> {
  const handler = digestJobHandlers({ config, models, logger, clock: () => NOW, digestCards: jobPortsFor(config, models).digestCards })['digest.send'];
  const job: JobRun<DigestJobData> = { id: 'job-1', name: 'digest.send', key: 'digest:northgate:2026-W47', schoolId: 'northgate', data: { schoolId: 'northgate', weekId: '2026-W47' }, attempt: 1 };
  const ctx: JobContext = { logger, signal: new AbortController().signal, extendLease: async () => {} };
  return (await handler(job, ctx)) as Record<string, unknown>;
}

async function storeGovernorsTeamInstall(): Promise<void> {
  // What Teams gives when Lantern is added to the governors' team (its General channel), pointing at the stand-in.
  const conversation = { id: '19:governors-general@thread.tacv2', conversationType: 'channel', tenantId: TENANT, isGroup: true };
  await models.conversationRefs.create({
    conversationId: conversation.id,
    scope: 'channel',
    schoolId: 'northgate',
    tenantId: TENANT,
    installed: true,
    reference: { serviceUrl: connector.url, channelId: 'msteams', conversation, agent: { id: '28:lantern-bot', name: 'Lantern' }, user: { id: '29:clerk', name: 'Clerk' } },
  });
}

beforeAll(async () => {
  conn = await connectTestDatabase('digest_teams_card');
  models = createModels(conn);
  await ensureIndexes(models);
  await insertFixtures(conn, models);
  connector = await startConnectorStandIn();
  gmail = await startGmailStandIn();
});
afterAll(async () => {
  await connector?.close();
  await gmail?.close();
  await dropTestDatabase(conn);
});
beforeEach(async () => {
  await models.digestSends.deleteMany({});
  await models.digestSendAttempts.deleteMany({});
  await models.conversationRefs.deleteMany({});
  connector.calls.length = 0;
  gmail.received.length = 0;
});

describe("the governors' channel card", () => {
  it('posts one card per week with the school and week, no pupil names, even when email is not set up', async () => {
    await storeGovernorsTeamInstall();
    const config = cardConfig();
    const first = await runJob(config);
    expect(first.skipped).toMatch(/no recipients/);
    expect(first.teams).toMatchObject({ status: 'sent', activityId: 'msg-1' });

    const posts = connector.calls.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.path).toBe(`/v3/conversations/${GOVERNORS_CHANNEL}/activities`);
    const card = JSON.stringify(connector.cards('POST')[0]);
    expect(card).toContain('Northgate Primary');
    expect(card).toContain('week of 16 Nov 2026');
    expect(card).toContain('2026-W47');
    expect(card).toMatch(/\*\*(ACT|WATCH|OK)\*\*/);
    expect(card).toContain('goes by email once the school sets up email delivery');
    for (const s of forbiddenStrings()) expect(card).not.toContain(s);

    const record = await models.digestSends.findById('northgate:teams:2026-W47').lean();
    expect(record).toMatchObject({ scope: 'northgate:teams', weekId: '2026-W47', state: 'sent', transport: 'teams', providerMessageId: 'msg-1' });

    const second = await runJob(config);
    expect(second.teams).toMatchObject({ status: 'already-sent' });
    expect(connector.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('sends the email first, then the card saying the full digest went by email', async () => {
    await storeGovernorsTeamInstall();
    const result = await runJob(cardConfig(gmail));
    expect(result.status).toBe('sent');
    expect(gmail.received).toHaveLength(1);
    expect(result.teams).toMatchObject({ status: 'sent' });
    const cards = connector.cards('POST');
    expect(cards).toHaveLength(1);
    expect(JSON.stringify(cards[0])).toContain('goes to the governors by email');
    expect(await models.digestSends.countDocuments({ weekId: '2026-W47' })).toBe(2);
  });

  it('posts nothing, records nothing as sent and skips when Lantern is not installed in any team', async () => {
    const result = await runJob(cardConfig());
    expect(result.teams).toEqual({ status: 'skipped', reason: 'governors’ channel not reachable — install Lantern in that team' });
    expect(connector.calls).toHaveLength(0);
    expect(await models.digestSends.countDocuments({ scope: 'northgate:teams' })).toBe(0);
  });
});
