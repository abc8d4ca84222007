import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandMeter } from '../../src/bench/command-meter.js';
import { readBoard } from '../../src/cases/board.js';
import { openCase } from '../../src/cases/open.js';
import { appendEntry, loadCase } from '../../src/cases/store.js';
import { verifyCases } from '../../src/cases/verify.js';
import { loadConfig, type School } from '../../src/config/load.js';
import { startConnectorStandIn, type ConnectorStandIn } from '../cases/connector-stand-in.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';

/*
 * Database commands per DSL case click, counted with the driver's command monitoring through the real bot
 * adapter, and the guarantees the savings must keep: the timeline decides between writers and its chain
 * verifies, every click is in the access log before the answer, the channel card is replaced for everyone,
 * the open-case board shows each case once, at its newest state.
 */
const TENANT = '00000000-0000-0000-0000-0000000000001';
const RUTH_AAD = '00000000-0000-0000-0000-00000000d001';
const CHANNEL = '19:demo-dsl-channel@thread.tacv2';
let lantern: TestLantern;
let connector: ConnectorStandIn;
let meter: CommandMeter;
let school: School;

async function click(verb: string, data: Record<string, unknown>): Promise<string> {
  const body = {
    type: 'invoke', name: 'adaptiveCard/action', id: randomUUID(), channelId: 'msteams', serviceUrl: connector.url,
    from: { id: `29:${RUTH_AAD}`, name: 'Ruth Okafor', aadObjectId: RUTH_AAD }, recipient: { id: '28:lantern', name: 'Lantern' },
    conversation: { id: `${CHANNEL};messageid=1`, conversationType: 'channel', tenantId: TENANT },
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
  const res = await fetch(`${lantern.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.text();
}

/** Opens a case whose card is already in the DSL channel (so a click replaces it there). */
async function postedCase(summary: string): Promise<string> {
  const opened = await openCase(lantern.models, school, { source: 'manual', severity: 'medium', category: 'conduct', summary, by: { email: 'r.okafor@northgate.example', name: 'Ruth Okafor' } }, new Date());
  await lantern.models.cases.updateOne({ caseId: opened.caseId }, { $set: { channelMessage: { activityId: `msg-${opened.caseId}` } } });
  return opened.caseId;
}

/** Counts the commands of `run` and of anything it leaves running (the channel card's update). */
async function counted(run: () => Promise<unknown>): Promise<void> {
  await meter.idle(50);
  meter.reset();
  await run();
  await meter.idle(100);
}

const n = (name: string): number => meter.by.get(name) ?? 0;
const updatesOf = (caseId: string) => connector.calls.filter((c) => c.method === 'PUT' && c.path.endsWith(`/activities/msg-${caseId}`));

beforeAll(async () => {
  connector = await startConnectorStandIn();
  lantern = await startTestLantern({}, { backgroundJobs: false, monitorCommands: true });
  meter = new CommandMeter(lantern.connection);
  school = loadConfig({ env: {}, cwd: os.tmpdir() }).schools.find((s) => s.id === 'northgate') as School;
  await lantern.models.people.updateOne({ schoolId: 'northgate', email: 'r.okafor@northgate.example' }, { $set: { aadObjectId: RUTH_AAD } });
  await lantern.models.conversationRefs.create({ conversationId: `${CHANNEL};messageid=0`, scope: 'channel', schoolId: 'northgate', installed: true, reference: { serviceUrl: connector.url, channelId: 'msteams', conversation: { id: CHANNEL } } });
  // A first click fills what the instance keeps between clicks (the team's names, the channel).
  expect(await click('case.acknowledge', { caseId: await postedCase('Warm-up case') })).toContain('Acknowledged');
}, 60_000);
afterAll(async () => {
  await lantern?.close();
  await connector?.close();
});

describe('database commands per DSL case click', () => {
  it('a lone acknowledge: the DSL member, one read of the case and its timeline, the timeline insert, the cache, the access line, the board row', async () => {
    const caseId = await postedCase('Lone acknowledge');
    await counted(async () => expect(await click('case.acknowledge', { caseId })).toContain('Acknowledged'));
    // The button grants access to a case: who pressed it is read from the directory each time.
    expect(n('find people'), meter.breakdown(1)).toBe(1);
    expect(n('find conversation_refs'), meter.breakdown(1)).toBe(0);
    expect(n('find cases'), meter.breakdown(1)).toBe(1);
    expect(n('find case_timeline'), meter.breakdown(1)).toBe(1);
    expect(n('insert case_timeline'), meter.breakdown(1)).toBe(1);
    expect(n('insert case_access_log'), meter.breakdown(1)).toBe(1);
    expect(meter.total, meter.breakdown(1)).toBe(8);
    expect(JSON.stringify(updatesOf(caseId).at(-1)?.body)).toContain('Acknowledged');
    expect(await lantern.models.caseAccessLog.countDocuments({ caseId, kind: 'act', what: 'case.acknowledge' })).toBe(1);
  });

  it('a lone note changes nothing the board lists: no board row, six commands', async () => {
    const caseId = await postedCase('Lone note');
    await counted(async () => expect(await click('case.note', { caseId, noteText: 'Spoke to the class teacher' })).toContain('Spoke to the class teacher'));
    expect(n('insert case_board') + n('delete case_board'), meter.breakdown(1)).toBe(0);
    expect(meter.total, meter.breakdown(1)).toBe(6);
    expect(JSON.stringify(updatesOf(caseId).at(-1)?.body)).toContain('Spoke to the class teacher');
    expect((await lantern.models.cases.findOne({ caseId }).lean())?.version).toBe(2);
  });

  it('the board keeps one row per case at its newest listing when notes write none', async () => {
    const caseId = await postedCase('Board after a note');
    expect(await click('case.acknowledge', { caseId })).toContain('Acknowledged');
    expect(await click('case.note', { caseId, noteText: 'A note' })).toContain('A note');
    expect(await click('case.reclassify', { caseId, triageSeverity: 'high', triageCategory: 'conduct', triageReason: 'Worse than first thought' })).toContain('Worse than first thought');
    const rows = await lantern.models.caseBoard.find({ caseId }).lean();
    expect(rows.map((r) => r.version)).toEqual([4]);
    const listed = (await readBoard(lantern.models, 'northgate')).cases.find((c) => c.caseId === caseId);
    expect(listed).toMatchObject({ status: 'acknowledged', severity: 'high', version: 4 });
  });

  it('clicks arriving together share their reads and writes, and each is recorded once', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => postedCase(`Together ${i}`)));
    await counted(() => Promise.all(ids.map(async (caseId) => expect(await click('case.acknowledge', { caseId })).toContain('Acknowledged'))));
    // How many wait together depends on timing; alone, each would cost 8 (see above) and one of each read and line.
    expect(n('find cases') + n('find case_timeline') + n('insert case_access_log'), meter.breakdown(20)).toBeLessThan(3 * 20);
    expect(meter.total, meter.breakdown(20)).toBeLessThan(8 * 20);
    expect(n('insert case_timeline'), meter.breakdown(20)).toBeLessThanOrEqual(20);
    for (const caseId of ids) {
      expect(await lantern.models.caseAccessLog.countDocuments({ caseId, kind: 'act' })).toBe(1);
      expect((await lantern.models.caseTimeline.find({ caseId }).lean()).map((e) => e.action)).toEqual(['opened', 'acknowledged']);
      expect(await lantern.models.cases.findOne({ caseId }).lean()).toMatchObject({ version: 2, status: 'acknowledged' });
      expect((await lantern.models.caseBoard.find({ caseId }).lean()).map((r) => r.version)).toEqual([2]);
      expect(updatesOf(caseId)).toHaveLength(1);
    }
  });

  it('concurrent clicks on one case: each lands once, in a chain that verifies', async () => {
    const caseId = await postedCase('Many hands');
    const cards = await Promise.all([0, 1, 2, 3, 4].map((i) => click('case.note', { caseId, noteText: `Note ${i}` })));
    cards.forEach((card, i) => expect(card).toContain(`Note ${i}`));
    const timeline = await lantern.models.caseTimeline.find({ caseId }).sort({ seq: 1 }).lean();
    expect(timeline.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await lantern.models.cases.findOne({ caseId }).lean())?.version).toBe(6);
    expect((await verifyCases(lantern.models, 'northgate')).issues).toEqual([]);
  });

  it('a case document left behind its timeline (a crash before the cache write) is repaired by the next click', async () => {
    const caseId = await postedCase('Crashed writer');
    const loaded = await loadCase(lantern.models, 'northgate', caseId);
    await appendEntry(lantern.models, { caseId, schoolId: 'northgate', head: loaded?.head, at: new Date(), by: { email: 'r.okafor@northgate.example', name: 'Ruth Okafor' }, action: 'note', before: {}, after: {}, note: 'Written, then the writer stopped', doNotView: false });
    expect(await click('case.acknowledge', { caseId })).toContain('Acknowledged');
    expect(await lantern.models.cases.findOne({ caseId }).lean()).toMatchObject({ version: 3, status: 'acknowledged' });
    expect((await lantern.models.caseBoard.find({ caseId }).lean()).map((r) => r.version)).toEqual([3]);
    expect((await verifyCases(lantern.models, 'northgate')).issues).toEqual([]);
  });

  it('a case that is not at the school is refused with the out-of-date card, and the attempt is logged', async () => {
    const elsewhere = await openCase(lantern.models, { ...school, id: 'another-school' }, { source: 'manual', severity: 'low', category: 'conduct', summary: 'Another school\'s case', by: { email: 'dsl@another.example', name: 'Another DSL' } }, new Date());
    const [missing, other] = await Promise.all([click('case.acknowledge', { caseId: randomUUID() }), click('case.acknowledge', { caseId: elsewhere.caseId }), click('case.view', { caseId: await postedCase('Read beside them') })]);
    for (const card of [missing, other]) expect(card).toContain('This card is out of date');
    expect(await lantern.models.caseAccessLog.countDocuments({ caseId: elsewhere.caseId, kind: 'refused', what: 'case.acknowledge: no such case at this school' })).toBe(1);
    expect(await lantern.models.caseAccessLog.countDocuments({ kind: 'refused', what: 'case.acknowledge: no such case at this school' })).toBe(2);
    expect((await lantern.models.cases.findOne({ caseId: elsewhere.caseId }).lean())?.status).toBe('new');
  });

  it('after Lantern is installed in a team, the next click reads the channel references again', async () => {
    const install = {
      type: 'conversationUpdate', id: randomUUID(), channelId: 'msteams', serviceUrl: connector.url,
      from: { id: `29:${RUTH_AAD}`, name: 'Ruth Okafor', aadObjectId: RUTH_AAD }, recipient: { id: '28:lantern', name: 'Lantern' },
      conversation: { id: '19:another-team@thread.tacv2', conversationType: 'channel', tenantId: TENANT }, membersAdded: [{ id: '28:lantern' }],
    };
    expect((await fetch(`${lantern.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(install) })).status).toBeLessThan(300);
    const caseId = await postedCase('After an install');
    await counted(async () => expect(await click('case.acknowledge', { caseId })).toContain('Acknowledged'));
    expect(n('find conversation_refs'), meter.breakdown(1)).toBe(1);
    expect(updatesOf(caseId)).toHaveLength(1);
  });
});
