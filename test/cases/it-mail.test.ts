import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrJoinFromDetection } from '../../src/cases/detection.js';
import { IT_MAIL_JOB } from '../../src/cases/it-mail.js';
import { caseJobHandlers } from '../../src/cases/jobs.js';
import { loadConfig, type LanternConfig } from '../../src/config/load.js';
import { readDirectorySource, syncDirectory } from '../../src/directory/sync.js';
import { JobRunner } from '../../src/jobs/index.js';
import { createLogger } from '../../src/log/logger.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { teamsEdgeFor } from '../support/teams.js';
import { startGmailStandIn, type GmailStandIn } from '../digest/stand-ins.js';
import { fakeClock } from './fixtures.js';

const logger = createLogger({ level: 'silent' });
let conn: Connection;
let models: Models;
let gmail: GmailStandIn;
let config: LanternConfig;

beforeAll(async () => {
  conn = await connectTestDatabase('itmail');
  models = createModels(conn);
  await ensureIndexes(models);
  gmail = await startGmailStandIn();
  const demo = loadConfig({ env: {}, cwd: '/tmp' });
  const school = demo.schools[0]!;
  config = {
    ...demo,
    server: { ...demo.server, publicUrl: 'https://lantern.northgate.example' },
    schools: [{ ...school, it: { ...school.it!, email: 'it-team@northgate.example' } }],
    mail: { ...demo.mail, google: { serviceAccountKeyFile: gmail.keyFile, apiUrl: gmail.url, tokenUrl: gmail.tokenUrl } },
  } as LanternConfig;
  await syncDirectory(models.people, school.id, await readDirectorySource(school));
});
afterAll(async () => {
  await dropTestDatabase(conn);
  await gmail.close();
});

function grant(id: string) {
  return {
    detectionId: id, ruleId: 'account.privilege_grant.microsoft', family: 'account.privilege_grant', severity: 'high' as const, category: 'security' as const,
    summary: 'An administrator gave j.smith@northgate.example the Entra role "Helpdesk Administrator".', at: new Date('2026-03-10T09:00:00Z'), subjectIds: [],
    objectId: 'Helpdesk Administrator', actor: 'it.admin@northgate.example', target: 'j.smith@northgate.example',
  };
}

describe('email to the IT queue', () => {
  it('emails the IT address once per new IT matter, with no names, and retries a failed send', async () => {
    const clock = fakeClock(new Date('2026-03-10T09:00:00Z'));
    const school = config.schools[0]!;
    const caseNotifier = teamsEdgeFor(config, models, { logger, clock }).caseNotifier;
    const deps = { stores: models, config, notifier: caseNotifier, log: logger, clock };
    const first = await openOrJoinFromDetection(deps, school, grant('g-1'));
    const joined = await openOrJoinFromDetection(deps, school, grant('g-2'));
    expect([first.outcome, joined.outcome]).toEqual(['it-opened', 'it-joined']);
    expect(await models.jobs.countDocuments({ name: IT_MAIL_JOB })).toBe(1);

    const runner = new JobRunner({ models, handlers: caseJobHandlers({ config, models, logger, clock, caseNotifier }), clock, logger, instanceId: 'it-mail' });
    gmail.failNextSend = 503;
    expect((await runner.runDue()).retrying).toBe(1);
    expect(gmail.received).toHaveLength(0);
    clock.advance(10 * 60_000);
    expect((await runner.runDue()).done).toBe(1);
    expect(gmail.received).toHaveLength(1);
    const mail = gmail.received[0]!;
    const number = first.outcome === 'it-opened' ? first.number : '';
    expect(mail.sender).toBe('lantern@northgate.example');
    expect(mail.parsed.subject).toBe(`New IT matter ${number}: account.privilege_grant (high)`);
    expect(mail.parsed.text).toContain(`https://lantern.northgate.example/dashboard/northgate/it/${number}`);
    expect(mail.parsed.text).not.toContain('j.smith');
    expect(mail.parsed.text).not.toContain('Helpdesk');
  });
});
