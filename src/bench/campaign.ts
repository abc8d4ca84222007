import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudAdapter } from '@microsoft/agents-hosting';
import { issueCampaign } from '../agreements/campaigns.js';
import { sha256 } from '../agreements/canonical.js';
import { findTemplate, loadPolicyLibrary } from '../agreements/library.js';
import { RateLimiter } from '../agreements/rate-limit.js';
import { workSendQueue } from '../agreements/send-queue.js';
import { sendToConversation } from '../agreements/teams/proactive.js';
import { publishVersion } from '../agreements/versions.js';
import { loadConfig } from '../config/load.js';
import { connectDatabase } from '../db/connect.js';
import { ensureFerretDbBinary, startFerretDb } from '../db/embedded/ferretdb.js';
import { createModels, ensureIndexes, type Models } from '../db/models.js';
import { createLogger } from '../log/logger.js';
import { botAuthConfiguration } from '../teams/bot.js';
import { startFakeBotConnector, type FakeBotConnector } from './fake-bot-connector.js';

/**
 * `npm run bench:campaign [-- --recipients N]`: a staff campaign to N (default 2,000) people through the
 * real send queue, the Agents SDK and a fake Bot Connector that enforces Teams' limits and injects 1 %
 * 429 + Retry-After and 1 % 502. Run 1 times the whole campaign against the floor N / 50 per second;
 * run 2 kills the sending process with SIGKILL half-way and restarts it. Both print lost and duplicated
 * counts (targets: ratio ≤ 1.15, 0 lost, 0 duplicated).
 */

const say = (line = ''): boolean => process.stdout.write(`${line}\n`);
const SCHOOL = 'northgate';
const TENANT_PER_SECOND = 50;
const SELF = fileURLToPath(import.meta.url);

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Child mode: work one campaign's queue until nothing is left, then exit. */
async function worker(campaignId: string): Promise<void> {
  const uri = process.env.BENCH_MONGODB_URI as string;
  const config = loadConfig({ env: { LOG_LEVEL: 'silent' } });
  const conn = await connectDatabase(uri);
  const models = createModels(conn);
  const adapter = new CloudAdapter(botAuthConfiguration(config));
  const summary = await workSendQueue(
    {
      models,
      config,
      logger: createLogger({ level: 'silent' }),
      clock: () => new Date(),
      limiter: new RateLimiter(),
      workerId: `bench:${process.pid}`,
      // Short so the restarted worker takes over the killed one's claims quickly (the server uses 60 s).
      claimLeaseMs: Number(process.env.BENCH_CLAIM_LEASE_MS ?? 60_000),
      transport: async (reference, activity) => {
        await sendToConversation(adapter, config, reference, activity);
      },
    },
    { campaignId },
    { waitForRetriesMs: 30_000 },
  );
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  await conn.close();
}

async function seed(models: Models, fake: FakeBotConnector, n: number): Promise<void> {
  const people = [];
  const refs = [];
  for (let i = 0; i < n; i++) {
    const aad = `bench-${String(i).padStart(6, '0')}`;
    people.push({ schoolId: SCHOOL, personId: `b${i}`, displayName: `Bench Person ${i}`, role: 'staff', aadObjectId: aad, active: true });
    refs.push({
      conversationId: `a:bench-${i}`,
      scope: 'personal',
      aadObjectId: aad,
      schoolId: SCHOOL,
      installed: true,
      reference: { serviceUrl: fake.url, channelId: 'msteams', conversation: { id: `a:bench-${i}`, conversationType: 'personal', tenantId: 'bench-tenant' }, user: { id: `29:bench-${i}` }, agent: { id: '28:lantern' } },
    });
  }
  for (let i = 0; i < n; i += 500) {
    await models.people.insertMany(people.slice(i, i + 500));
    await models.conversationRefs.insertMany(refs.slice(i, i + 500));
  }
}

function spawnWorker(uri: string, campaignId: string): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> } {
  const child = spawn(process.execPath, [SELF, '--worker', campaignId], { env: { ...process.env, BENCH_MONGODB_URI: uri, BENCH_CLAIM_LEASE_MS: '3000' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, out })));
  return { child, done };
}

/** Lost: recipients who never got the campaign's card. Duplicated: recipients who got it more than once. */
const expectedIds = new Map<string, Set<string>>();
function count(fake: FakeBotConnector, campaignId: string, n: number): { lost: number; duplicated: number } {
  const perConversation = new Map<string, number>();
  let expected = expectedIds.get(campaignId);
  if (!expected) {
    expected = new Set(Array.from({ length: n }, (_, i) => sha256(`${campaignId}:b${i}:0`).slice(0, 32)));
    expectedIds.set(campaignId, expected);
  }
  for (const d of fake.deliveries) {
    if (!d.deliveryId || !expected.has(d.deliveryId)) continue;
    perConversation.set(d.conversationId, (perConversation.get(d.conversationId) ?? 0) + 1);
  }
  return { lost: n - perConversation.size, duplicated: [...perConversation.values()].filter((c) => c > 1).length };
}

async function main(): Promise<void> {
  const n = Number(argValue('--recipients') ?? 2000);
  let stopDb: (() => Promise<void>) | undefined;
  let base = process.env.MONGODB_URI;
  let dataDir: string | undefined;
  if (!base) {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'lantern-bench-campaign-'));
    const ferret = await startFerretDb({ binary: await ensureFerretDbBinary(), dataDir });
    stopDb = () => ferret.stop();
    base = ferret.uri;
  }
  const uri = `${base.replace(/\/?$/, '/')}bench_campaign_${Date.now()}`;
  const conn = await connectDatabase(uri);
  const models = createModels(conn);
  await ensureIndexes(models);
  const fake = await startFakeBotConnector({ throttleRate: 0.01, badGatewayRate: 0.01, retryAfterSeconds: 1, seed: 2026, tenantPerSecond: TENANT_PER_SECOND });
  try {
    await seed(models, fake, n);
    const { version } = await publishVersion(models, findTemplate(loadPolicyLibrary(), 'staff-aua'), { schoolId: SCHOOL, by: 'bench' });
    const issue = (key: string) =>
      issueCampaign(models, { schoolId: SCHOOL, version, dueAt: new Date(Date.now() + 14 * 86_400_000), reminderDays: [3, 7, 14], createdBy: 'bench', reason: 'bench', key }, new Date());
    const a = await issue('bench-full');
    const b = await issue('bench-kill');
    say(`Campaign to ${n} recipients through the Agents SDK and a fake Bot Connector (Teams limits enforced; 1 % 429 + Retry-After, 1 % 502 injected).`);

    const started = performance.now();
    const run1 = spawnWorker(uri, a.campaign._id);
    const r1 = await run1.done;
    if (r1.code !== 0) say(`  (the worker exited with ${r1.code ?? r1.signal}: see its error above)`);
    const wall = (performance.now() - started) / 1000;
    const floor = n / TENANT_PER_SECOND;
    const c1 = count(fake, a.campaign._id, n);
    say('');
    say(`Run 1 (uninterrupted): wall ${wall.toFixed(1)} s, floor ${floor.toFixed(1)} s (${n} / ${TENANT_PER_SECOND} per second), ratio ${(wall / floor).toFixed(3)} (target ≤ 1.15)`);
    const times = fake.deliveries.map((d) => d.at);
    say(`  of which sending (first to last delivery): ${((Math.max(...times) - Math.min(...times)) / 1000).toFixed(1)} s`);
    say(`  lost ${c1.lost}, duplicated ${c1.duplicated} (targets 0 and 0); worker ${r1.out.trim()}`);
    say(`  connector: ${JSON.stringify(fake.stats)}`);

    const before = { ...fake.stats };
    const run2 = spawnWorker(uri, b.campaign._id);
    let exited = false;
    void run2.done.then(() => (exited = true));
    while (!exited && count(fake, b.campaign._id, n).lost > n / 2) await new Promise((r) => setTimeout(r, 100));
    run2.child.kill('SIGKILL');
    await run2.done;
    // Writes the killed process had already sent still land; let them before counting.
    await new Promise((r) => setTimeout(r, 1_000));
    const atKill = n - count(fake, b.campaign._id, n).lost;
    const recorded = await models.agreementSendResults.countDocuments({ campaignId: b.campaign._id, status: 'sent' });
    const run3 = spawnWorker(uri, b.campaign._id);
    const r3 = await run3.done;
    const c2 = count(fake, b.campaign._id, n);
    say('');
    say(`Run 2 (kill -9 half-way, then restart): killed with ${atKill} delivered and ${recorded} recorded as sent; restart ${r3.out.trim()}`);
    say(`  lost ${c2.lost}, duplicated ${c2.duplicated} (targets 0 and 0); repeats the connector dropped by delivery id: ${fake.stats.deduplicated - before.deduplicated}`);
    say(`  connector: ${JSON.stringify(fake.stats)}`);
    process.exitCode = c1.lost + c1.duplicated + c2.lost + c2.duplicated === 0 ? 0 : 1;
  } finally {
    await fake.close();
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
    await stopDb?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

const workerCampaign = argValue('--worker');
(workerCampaign ? worker(workerCampaign) : main()).catch((err: unknown) => {
  process.stderr.write(`bench:campaign failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
