import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { loadConfig, type LanternConfig } from '../../src/config/load.js';
import { connectDatabase } from '../../src/db/connect.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { createLogger } from '../../src/log/logger.js';
import { pollSource } from '../../src/monitoring/connectors/poll-source.js';
import { auditClientFactories } from '../../src/server/audit-clients.js';
import { makeDriveEvent, makeGoogleEvent, STAFF } from '../../src/monitoring/rules/fixtures.js';
import { addTrustedDomain } from '../../src/monitoring/changes.js';
import { loadEffectiveMonitoring, recordChange } from '../../src/monitoring/settings-store.js';
import { testMongoUri } from '../support/db.js';
import { FakeGoogle, writeServiceAccountKey } from './connectors/support/fake-google.js';
import { demoDirectory } from '../../src/directory/demo-directory.js';
import { syncDirectory } from '../../src/directory/sync.js';

const MIN = 60_000;
const uri = `${testMongoUri()}monsettings_${randomUUID().slice(0, 8)}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-monsettings-'));
const keyFile = writeServiceAccountKey();
const logger = createLogger({ level: 'silent' });
let google: FakeGoogle;
let conn: Connection;
let models: Models;
let config: LanternConfig;
let env: Record<string, string>;
// The fake clock of the polls; it only moves forward.
let now = Date.now();

function writeConfig(): string {
  const file = path.join(dir, 'lantern.config.yaml');
  writeFileSync(
    file,
    `schools:
  - id: northgate
    name: Northgate Primary
    ownDomains: [northgate.example]
    trustedDomains: [northshire-council.example]
    dsl:
      members: [{ email: r.okafor@northgate.example, role: dsl }]
      channel: { teamId: team-1, channelId: "19:dsl@thread.tacv2" }
    google:
      customerId: C03az79cb
      adminSubject: it.admin@northgate.example
      applications: [drive, token]
      reportsUrl: ${google.url}
      alertCenterUrl: ${google.url}
mail:
  google: { tokenUrl: ${google.url}/token }
`,
  );
  return file;
}

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: { ...env, LOG_LEVEL: 'silent' }, cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function poll() {
  const summary = await pollSource({ config, models, logger, clock: () => new Date(now), clients: auditClientFactories(config) }, 'northgate', 'google', { retry: { sleep: async () => undefined } });
  expect(summary.streams.every((s) => s.ok)).toBe(true);
}

const detectionsOf = (ruleId: string, objectId?: string) => models.detections.countDocuments({ schoolId: 'northgate', ruleId, ...(objectId ? { objectId } : {}) });
const time = (minutesAgo: number) => new Date(now - minutesAgo * MIN).toISOString();
const BY = ['--by', 's.whitfield@northgate.example'];
const SAM = 'Sam Whitfield <s.whitfield@northgate.example>';

beforeAll(async () => {
  google = await new FakeGoogle().start();
  google.pageSize = 50;
  const file = writeConfig();
  env = { LANTERN_CONFIG: file, MONGODB_URI: uri, LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile };
  config = loadConfig({ file, env, cwd: dir });
  conn = await connectDatabase(uri);
  models = createModels(conn);
  await ensureIndexes(models);
  // Changes are made by people in the school's directory.
  await syncDirectory(models.people, 'northgate', demoDirectory());
});
afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
  await google.stop();
});

describe('changing monitoring rules, suppressions and allowlists', () => {
  it('routes a family to the DSL with who and why, shows the table, and refuses a typo', async () => {
    expect((await cli('monitor', 'routes')).out).toMatch(/account\.privilege_grant\s+it\s+it\s+it\s+it/);
    const set = await cli('monitor', 'route', 'account.privilege_grant', 'critical', 'dsl', ...BY, '--reason', 'Super admin grants go to the DSL too');
    expect(set.err).toBe('');
    expect(set.out).toMatch(/account\.privilege_grant \(critical\) now goes to the DSL channel/);
    expect((await cli('monitor', 'routes')).out).toMatch(/account\.privilege_grant\s+it\s+it\s+it\s+dsl/);
    const logged = await models.monitoringChanges.findOne({ schoolId: 'northgate', 'what.type': 'route.setting' }).lean();
    expect(logged).toMatchObject({ who: SAM, why: 'Super admin grants go to the DSL too', what: { before: 'it', after: 'dsl' } });
    expect((await cli('monitor', 'changes')).out).toContain('sent account.privilege_grant (critical) to the DSL queue');
    const typo = await cli('monitor', 'route', 'account.privilege', 'critical', 'dsl', ...BY, '--reason', 'typo');
    expect(typo.code).not.toBe(0);
    expect(typo.err).toContain('is not a route');
    expect((await cli('monitor', 'route', 'account.privilege_grant', 'high', 'dsl', '--reason', 'no author')).code).not.toBe(0);
  });

  it('applies a threshold set with the CLI from the next poll', async () => {
    const downloads = (from: number) => [0, 1, 2].map((i) => makeDriveEvent('download', { doc_id: `dl-${from + i}` }, { time: time(3 - i), type: 'access' }));
    google.activities.push(...downloads(0));
    await poll();
    expect(await detectionsOf('data.mass_download.google')).toBe(0); // 3 downloads, default threshold 50

    const set = await cli('monitor', 'rule', 'set', 'data.mass_download.google', '--threshold', '3', '--window', '10m', ...BY, '--reason', 'Testing with a small burst');
    expect(set.err).toBe('');
    expect(set.code).toBe(0);
    expect(set.out).toMatch(/threshold 3 in 10m/);
    const rules = await cli('monitor', 'rules', '--json');
    const row = rules.out.split('\n').map((l) => JSON.parse(l) as { ruleId: string; threshold: unknown; overridden: unknown }).find((r) => r.ruleId === 'data.mass_download.google');
    expect(row).toMatchObject({ threshold: { count: 3, windowMinutes: 10 }, overridden: { threshold: 3, windowMinutes: 10 } });
    expect((await cli('monitor', 'rules')).out).toMatch(/data\.mass_download\.google\s+data\.mass_download\s+yes\s+medium\s+3 in 10m\s+\S+\s+threshold, window/);

    now += 20 * MIN;
    google.activities.push(...downloads(10));
    await poll();
    expect(await detectionsOf('data.mass_download.google')).toBe(1);
  });

  it('suppresses until the expiry and reports again after it', async () => {
    const share = (doc: string) => makeDriveEvent('change_document_visibility', { new_value: ['people_with_link'], target_domain: 'all', doc_id: doc }, { time: time(4), actor: STAFF });
    const expires = new Date(now + 24 * 60 * MIN).toISOString();
    const add = await cli('monitor', 'suppress', 'add', '--rule', 'sharing.public_link.google', '--actor', STAFF, '--expires', expires, ...BY, '--reason', 'Publishes the newsletter by link');
    expect(add.code).toBe(0);
    const id = /suppression (sup-[0-9a-f]+)/.exec(add.out)?.[1] as string;
    expect((await cli('monitor', 'suppress', 'list')).out).toMatch(new RegExp(`${id}\\s+sharing.public_link.google, actor ${STAFF}`));

    now += 10 * MIN;
    google.activities.push(share('news-1'));
    await poll();
    expect(await detectionsOf('sharing.public_link.google', 'news-1')).toBe(0);

    now += 2 * 24 * 60 * MIN; // past the expiry
    google.activities.push(share('news-2'));
    await poll();
    expect(await detectionsOf('sharing.public_link.google', 'news-2')).toBe(1);
    // Ending it early is a logged change too.
    expect((await cli('monitor', 'suppress', 'remove', id, ...BY, '--reason', 'Newsletter now sent by email')).code).toBe(0);
    expect((await cli('monitor', 'suppress', 'list')).out).toMatch(/no suppressions in force/);
    expect(await models.suppressions.countDocuments({ suppressionId: id, removedAt: { $exists: true } })).toBe(1);
  });

  it('stops reporting an allowlisted domain or an approved app', async () => {
    const shareWith = (doc: string) => makeDriveEvent('change_user_access', { target_user: 'head@partner-academy.example', new_value: ['can_view'], doc_id: doc }, { time: time(4) });
    const authorize = () => makeGoogleEvent('token', 'authorize', { app_name: 'RosterSync', client_id: 'roster-123.apps.googleusercontent.com', scope: ['https://www.googleapis.com/auth/admin.directory.user'] }, { time: time(3), type: 'auth' });
    now += 10 * MIN;
    google.activities.push(shareWith('p-1'), authorize());
    await poll();
    expect(await detectionsOf('sharing.external_user.google', 'p-1')).toBe(1);
    const grants = async () => (await models.detectionEvents.find({ schoolId: 'northgate', _id: /app\.risky_oauth_grant/ }).lean()).length;
    expect(await grants()).toBe(1);

    expect((await cli('monitor', 'allowlist', 'add', 'Partner-Academy.example', ...BY, '--reason', 'Our partner academy in the trust')).code).toBe(0);
    expect((await cli('monitor', 'allowlist', 'add', '--app', 'roster-123.apps.googleusercontent.com', ...BY, '--reason', 'Approved MIS sync (DPIA 2026-04)')).code).toBe(0);
    const list = await cli('monitor', 'allowlist', 'list');
    expect(list.out).toMatch(/domain\s+northshire-council\.example\s+config file/);
    expect(list.out).toMatch(/domain\s+partner-academy\.example\s+Sam Whitfield <s\.whitfield@northgate\.example>, \d{4}-\d{2}-\d{2}: Our partner academy/);
    expect(list.out).toMatch(/app\s+roster-123\.apps\.googleusercontent\.com/);

    now += 10 * MIN;
    google.activities.push(shareWith('p-2'), authorize());
    await poll();
    expect(await detectionsOf('sharing.external_user.google', 'p-2')).toBe(0);
    expect(await grants()).toBe(1);
  });

  it('keeps both of two changes made at the same moment, each in the log with who and why', async () => {
    const before = await models.monitoringChanges.countDocuments({ schoolId: 'northgate' });
    const results = await Promise.all([
      cli('monitor', 'rule', 'set', 'data.mass_delete.google', '--threshold', '70', '--by', 'Sam Whitfield', '--reason', 'Term-end tidy-ups'),
      cli('monitor', 'rule', 'set', 'data.mass_delete.google', '--severity', 'high', '--by', 'h.carter@northgate.example', '--reason', 'Deletions matter more to us'),
      cli('monitor', 'allowlist', 'add', 'exam-board.example', '--by', 'Sam Whitfield', '--reason', 'Coursework uploads'),
      cli('monitor', 'allowlist', 'add', 'music-service.example', '--by', 'h.carter@northgate.example', '--reason', 'Peripatetic music teachers'),
    ]);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const entries = await models.monitoringChanges.find({ schoolId: 'northgate' }).sort({ seq: 1 }).lean();
    expect(entries.length).toBe(before + 4);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    const effective = await loadEffectiveMonitoring(models, config.schools[0]!, new Date(now));
    expect(effective.rules['data.mass_delete.google']).toEqual({ threshold: 70, severity: 'high' });
    expect(effective.trustedDomains).toEqual(expect.arrayContaining(['northshire-council.example', 'partner-academy.example', 'exam-board.example', 'music-service.example']));
    // Whichever rule change came second saw the first as its "before".
    const ruleEntries = entries.filter((e) => (e.what as { ruleId?: string }).ruleId === 'data.mass_delete.google');
    expect((ruleEntries[1]?.what as { before: unknown }).before).toEqual((ruleEntries[0]?.what as { after: unknown }).after);
    // Many writers at once through the store itself: every change lands, numbered without gaps.
    const domains = Array.from({ length: 8 }, (_, i) => `partner-${i}.example`);
    await Promise.all(domains.map((d, i) => recordChange(models, 'northgate', (cur) => addTrustedDomain(cur, d, { who: `admin-${i}`, why: 'Concurrent test' }))));
    const after = await loadEffectiveMonitoring(models, config.schools[0]!, new Date(now));
    expect(after.trustedDomains).toEqual(expect.arrayContaining(domains));
    expect((await models.monitoringChanges.find({ schoolId: 'northgate' }).sort({ seq: 1 }).lean()).map((e) => e.seq)).toEqual(Array.from({ length: before + 12 }, (_, i) => i + 1));
    const log = await cli('monitor', 'changes', '--limit', '100');
    expect(log.out).toMatch(/Sam Whitfield <s\.whitfield@northgate\.example> changed data\.mass_delete\.google.*\(Term-end tidy-ups\)|Helen Carter <h\.carter@northgate\.example> changed data\.mass_delete\.google.*\(Deletions matter more to us\)/);
    expect(log.out).toMatch(/Sam Whitfield <s\.whitfield@northgate\.example> added suppression sup-/);
  });

  it('guards the settings: no consumer webmail trusted, changes by a person in the directory, the DSL agrees to weakening a safeguarding rule', async () => {
    const before = await models.monitoringChanges.countDocuments({ schoolId: 'northgate' });
    const webmail = await cli('monitor', 'allowlist', 'add', 'gmail.com', ...BY, '--reason', 'Parents use it');
    expect(webmail.code).not.toBe(0);
    expect(webmail.err).toMatch(/gmail\.com is a personal mail service/);
    const outsider = await cli('monitor', 'allowlist', 'add', 'exam-board-two.example', '--by', 'someone@elsewhere.example', '--reason', 'Coursework');
    expect(outsider.code).not.toBe(0);
    expect(outsider.err).toMatch(/not a member of staff in the school's directory/);
    const pupil = demoDirectory().find((p) => p.role === 'pupil');
    expect((await cli('monitor', 'allowlist', 'add', 'exam-board-two.example', '--by', pupil?.displayName ?? '', '--reason', 'Coursework')).code).not.toBe(0);

    const rule = 'content.indecent_image.graph_alert';
    const off = await cli('monitor', 'rule', 'set', rule, '--enabled', 'false', ...BY, '--reason', 'too noisy');
    expect(off.code).not.toBe(0);
    expect(off.err).toMatch(/protects children .*--dsl-approval/);
    const lower = await cli('monitor', 'rule', 'set', rule, '--severity', 'low', ...BY, '--reason', 'too noisy', '--dsl-approval', 'h.carter@northgate.example');
    expect(lower.err).toMatch(/not on the DSL team/);
    const self = await cli('monitor', 'rule', 'set', rule, '--severity', 'low', '--by', 'r.okafor@northgate.example', '--reason', 'too noisy', '--dsl-approval', 'r.okafor@northgate.example');
    expect(self.err).toMatch(/someone other than the person making the change/);
    const hush = await cli('monitor', 'suppress', 'add', '--family', 'content.indecent_image', '--expires', '7d', ...BY, '--reason', 'too noisy');
    expect(hush.err).toMatch(/--dsl-approval/);
    expect(await models.monitoringChanges.countDocuments({ schoolId: 'northgate' })).toBe(before);

    // Making a safeguarding rule stricter needs no approval; weakening it with the DSL's agreement is recorded so.
    expect((await cli('monitor', 'rule', 'set', rule, '--severity', 'critical', ...BY, '--reason', 'Always critical')).code).toBe(0);
    const agreed = await cli('monitor', 'rule', 'set', rule, '--severity', 'high', ...BY, '--reason', 'Back to high', '--dsl-approval', 'r.okafor@northgate.example');
    expect(agreed.code).toBe(0);
    const last = await models.monitoringChanges.findOne({ schoolId: 'northgate' }).sort({ seq: -1 }).lean();
    expect(last).toMatchObject({ who: SAM, why: 'Back to high (agreed by the DSL team: r.okafor@northgate.example)' });
  });

  it('refuses bad input with a message naming the fix, and stores nothing', async () => {
    const changes = await models.monitoringChanges.countDocuments();
    const suppressions = await models.suppressions.countDocuments();
    const cases: Array<[string[], RegExp]> = [
      [['monitor', 'rule', 'set', 'data.mass_download', '--threshold', '5', ...BY, '--reason', 'typo'], /no rule "data\.mass_download".*Did you mean data\.mass_download\.google.*lantern monitor rules/],
      [['monitor', 'rule', 'set', 'sharing.public_link.google', '--threshold', '5', ...BY, '--reason', 'x y z'], /no threshold or window.*Use --severity/],
      [['monitor', 'rule', 'set', 'data.mass_download.google', '--threshold', 'lots', ...BY, '--reason', 'x y z'], /--threshold must be a whole number/],
      [['monitor', 'rule', 'set', 'data.mass_download.google', '--threshold', '0', ...BY, '--reason', 'x y z'], /--threshold must be at least 1 event/],
      [['monitor', 'rule', 'set', 'data.mass_download.google', '--severity', 'urgent', ...BY, '--reason', 'x y z'], /--severity must be one of low, medium, high, critical/],
      [['monitor', 'rule', 'set', 'data.mass_download.google', '--window', '10 minutes', ...BY, '--reason', 'x y z'], /--window must be a span such as 10m/],
      [['monitor', 'rule', 'set', 'data.mass_download.google', '--window', '30d', ...BY, '--reason', 'x y z'], /--window must be at most 7 days/],
      [['monitor', 'rule', 'set', 'data.mass_download.google', '--enabled', 'no', ...BY, '--reason', 'x y z'], /--enabled must be true or false/],
      [['monitor', 'rule', 'set', 'data.mass_download.google', '--threshold', '9', '--reason', 'x y z'], /--by NAME/],
      [['monitor', 'rule', 'set', 'data.mass_download.google', '--threshold', '9', ...BY], /--reason/],
      [['monitor', 'rule', 'reset', 'account.mfa_disabled.google', ...BY, '--reason', 'x y z'], /already runs with its default settings/],
      [['monitor', 'suppress', 'add', '--actor', STAFF, '--expires', '30d', ...BY, '--reason', 'x y z'], /exactly one of --rule RULE_ID or --family/],
      [['monitor', 'suppress', 'add', '--rule', 'sharing.public_link.google', ...BY, '--reason', 'x y z'], /needs an expiry: add --expires 30d/],
      [['monitor', 'suppress', 'add', '--rule', 'sharing.public_link.google', '--expires', '900d', ...BY, '--reason', 'x y z'], /at most 366 days/],
      [['monitor', 'suppress', 'add', '--rule', 'sharing.public_link.google', '--expires', '2020-01-01', ...BY, '--reason', 'x y z'], /must be in the future/],
      [['monitor', 'suppress', 'remove', 'sup-nope', ...BY, '--reason', 'x y z'], /no suppression "sup-nope"; list them/],
      [['monitor', 'allowlist', 'add', 'pupils.northgate.example', ...BY, '--reason', 'x y z'], /school's own domain/],
      [['monitor', 'allowlist', 'add', 'not a domain', ...BY, '--reason', 'x y z'], /Name one domain|not a domain name/],
      [['monitor', 'allowlist', 'remove', 'northshire-council.example', ...BY, '--reason', 'x y z'], /trusted in the config file.*remove it there/],
      [['monitor', 'rules', '--school', 'nowhere'], /no school "nowhere".*northgate/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).not.toBe(0);
      expect(r.err, argv.join(' ')).toMatch(message);
    }
    expect(await models.monitoringChanges.countDocuments()).toBe(changes);
    expect(await models.suppressions.countDocuments()).toBe(suppressions);
  });
});
