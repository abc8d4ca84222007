import { randomUUID } from 'node:crypto';
import type { School } from '../config/load.js';
import { issueCampaign } from '../agreements/campaigns.js';
import { verifyChain } from '../agreements/verify.js';
import { currentVersion } from '../agreements/versions.js';
import { openCase } from '../cases/open.js';
import type { RunningLantern } from '../server/start.js';
import { childPids, CommandMeter, ownCpuMs, processCpuMs } from './command-meter.js';

const say = (line = ''): boolean => process.stdout.write(`${line}\n`);
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (n: number): string => `${n.toFixed(1)} ms`;
const TENANT = '00000000-0000-0000-0000-0000000000001';
const RUTH_AAD = '00000000-0000-0000-0000-00000000b001';
const staffAad = (i: number): string => `00000000-0000-0000-0000-${String(0xbe0000 + i).padStart(12, '0')}`;

/** What one kind of card action cost, per action. */
export interface ActionCost {
  name: string;
  commands: number;
  breakdown: string;
  lanternCpuMs: number;
  databaseCpuMs: number;
  p50: number;
  p99: number;
  max: number;
}

/** An `adaptiveCard/action` invoke as Teams sends it, from `aadObjectId`. */
function invokeBody(connectorUrl: string, aadObjectId: string, conversation: Record<string, unknown>, verb: string, data: Record<string, unknown>): string {
  return JSON.stringify({
    type: 'invoke', name: 'adaptiveCard/action', id: randomUUID(), channelId: 'msteams', serviceUrl: connectorUrl,
    from: { id: `29:${aadObjectId}`, name: 'Bench', aadObjectId }, recipient: { id: '28:lantern', name: 'Lantern' },
    conversation: { tenantId: TENANT, ...conversation },
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });
}

async function post(lantern: RunningLantern, body: string, expect: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${lantern.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await res.text();
  if (res.status !== 200 || !text.includes(expect)) throw new Error(`invoke failed: ${res.status} ${text.slice(0, 2000)}`);
  return performance.now() - t0;
}

/**
 * Runs `bodies` at once and measures them: database commands (everything until the connection is idle again,
 * so a channel card updated after the answer counts), this process's CPU, the embedded FerretDB's CPU, latency.
 */
async function measure(name: string, lantern: RunningLantern, meter: CommandMeter, bodies: string[], expect: string): Promise<ActionCost> {
  const ferret = childPids('ferretdb')[0];
  await meter.idle();
  meter.reset();
  const cpu0 = ownCpuMs();
  const db0 = ferret ? processCpuMs(ferret) : NaN;
  const latencies = (await Promise.all(bodies.map((b) => post(lantern, b, expect)))).sort((a, b) => a - b);
  await meter.idle();
  const n = bodies.length;
  return {
    name,
    commands: meter.total / n,
    breakdown: meter.breakdown(n),
    lanternCpuMs: (ownCpuMs() - cpu0) / n,
    databaseCpuMs: ferret ? (processCpuMs(ferret) - db0) / n : NaN,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    max: latencies.at(-1) ?? NaN,
  };
}

/**
 * 100 concurrent "I agree" clicks (staff signing at an INSET session), 100 acknowledges and 100 notes on DSL
 * case cards, each counted in database commands per action with a breakdown, with CPU per action here and in
 * the embedded database. Checks the evidence chain afterwards.
 */
export async function measureCardActions(lantern: RunningLantern, school: School, connectorUrl: string, n = 100): Promise<ActionCost[]> {
  const { models } = lantern;
  const meter = new CommandMeter(lantern.connection);
  await models.people.updateOne({ schoolId: school.id, email: 'r.okafor@northgate.example' }, { $set: { aadObjectId: RUTH_AAD } });
  await models.people.insertMany(
    Array.from({ length: n + 1 }, (_, i) => ({ schoolId: school.id, personId: `bench-staff-${i}`, displayName: `Bench Staff ${i}`, role: 'staff', aadObjectId: staffAad(i), active: true })),
  );
  const version = await currentVersion(models, school.id, 'staff-aua');
  if (!version) throw new Error('the demo school has no staff-aua version');
  const { campaign } = await issueCampaign(models, { schoolId: school.id, version, dueAt: new Date(Date.now() + 14 * 86_400_000), reminderDays: [3], createdBy: 'bench', reason: 'bench', key: 'bench-inset' }, new Date());
  const channel = { id: '19:bench@thread.tacv2;messageid=1', conversationType: 'channel' };
  await models.conversationRefs.create({ conversationId: '19:bench@thread.tacv2', scope: 'channel', schoolId: school.id, reference: { serviceUrl: connectorUrl, channelId: 'msteams', conversation: { id: '19:bench@thread.tacv2' } } });
  const caseIds: string[] = [];
  for (let i = 0; i <= n; i++) {
    const opened = await openCase(models, school, { source: 'manual', severity: 'medium', category: 'conduct', summary: `Bench case ${i}`, by: { email: 'r.okafor@northgate.example', name: 'Ruth Okafor' } }, new Date());
    await models.cases.updateOne({ caseId: opened.caseId }, { $set: { channelMessage: { activityId: `msg-${i}` } } });
    caseIds.push(opened.caseId);
  }
  const signBody = (i: number) => invokeBody(connectorUrl, staffAad(i), { id: `a:bench-${i}`, conversationType: 'personal' }, 'agreement.sign', { versionId: version._id, campaignId: campaign._id });
  const caseBody = (verb: string, i: number, data: Record<string, unknown> = {}) => invokeBody(connectorUrl, RUTH_AAD, channel, verb, { caseId: caseIds[i], ...data });
  const ids = Array.from({ length: n }, (_, i) => i + 1);

  // One of each first (the last person and case), so start-up costs are not counted as the actions'.
  await post(lantern, signBody(0), 'Signed');
  await post(lantern, caseBody('case.acknowledge', 0), 'Acknowledged');
  await post(lantern, caseBody('case.note', 0, { noteText: 'Warm-up note' }), 'Warm-up note');
  const costs = [
    await measure('sign', lantern, meter, ids.map(signBody), 'Signed'),
    await measure('acknowledge', lantern, meter, ids.map((i) => caseBody('case.acknowledge', i)), 'Acknowledged'),
    await measure('add-note', lantern, meter, ids.map((i) => caseBody('case.note', i, { noteText: `Bench note ${i}` })), 'Bench note'),
  ];
  const signed = await models.agreementSignatures.countDocuments({ schoolId: school.id, versionId: version._id, signerId: /^bench-staff-/ });
  const chain = await verifyChain(models, school.id);
  if (signed !== n + 1 || !chain.ok) throw new Error(`after the signing: ${signed} signatures (expected ${n + 1}), chain ${chain.ok ? 'verified' : 'BROKEN'}`);
  return costs;
}

/** Prints what `measureCardActions` found. */
export function reportCardActions(costs: readonly ActionCost[], database: string): void {
  say(`db commands per action: ${costs.map((c) => `${c.name} ${c.commands.toFixed(1)}`).join(', ')} (target ≤ 4)`);
  for (const c of costs) say(`  ${c.name}: ${c.breakdown}`);
  const dbCpu = (c: ActionCost) => (Number.isNaN(c.databaseCpuMs) ? 'not measured (not the embedded database)' : `${c.databaseCpuMs.toFixed(2)} ms`);
  say(`CPU per action (this process: Lantern and the bench's HTTP client; the database: ${database}):`);
  for (const c of costs) say(`  ${c.name}: Lantern ${c.lanternCpuMs.toFixed(2)} ms, database ${dbCpu(c)}`);
  for (const c of costs) say(`100 concurrent ${c.name}: p50 ${ms(c.p50)}, p99 ${ms(c.p99)}, max ${ms(c.max)}${c.name === 'sign' ? ' (target p99 < 3 s)' : ''}`);
}
