import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrJoinFromDetection } from '../../src/cases/detection.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { makeActivity, postActivity } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { teamsEdgeFor } from '../support/teams.js';
import { startConnectorStandIn, type ConnectorStandIn } from './connector-stand-in.js';

const SAM_AAD = '00000000-0000-0000-0000-00000000b004';
const RUTH_AAD = '00000000-0000-0000-0000-00000000b001';
const IT_CHANNEL = '19:demo-it-channel@thread.tacv2';
const DSL_CHANNEL = '19:demo-dsl-channel@thread.tacv2';

let lantern: TestLantern;
let connector: ConnectorStandIn;
let matterId = '';

async function act(verb: string, data: Record<string, unknown>, from: { aadObjectId: string; name: string }): Promise<string> {
  const activity = makeActivity({
    type: 'invoke',
    name: 'adaptiveCard/action',
    deliveryMode: undefined,
    serviceUrl: connector.url,
    from: { id: `29:${from.name}`, name: from.name, aadObjectId: from.aadObjectId },
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    conversation: { id: `${IT_CHANNEL};messageid=1`, conversationType: 'channel', tenantId: '00000000-0000-0000-0000-0000000000001' },
  });
  const res = await postActivity(lantern.url, activity);
  expect(res.status).toBe(200);
  return JSON.stringify((res.body as { value: unknown }).value);
}

const SAM = { aadObjectId: SAM_AAD, name: 'Sam Whitfield' };
const RUTH = { aadObjectId: RUTH_AAD, name: 'Ruth Okafor' };

beforeAll(async () => {
  connector = await startConnectorStandIn();
  lantern = await startTestLantern();
  await lantern.models.people.updateOne({ schoolId: 'northgate', email: 's.whitfield@northgate.example' }, { $set: { aadObjectId: SAM_AAD } });
  await lantern.models.people.updateOne({ schoolId: 'northgate', email: 'r.okafor@northgate.example' }, { $set: { aadObjectId: RUTH_AAD } });
  await lantern.models.conversationRefs.create({ conversationId: '19:general@thread.tacv2', scope: 'channel', schoolId: 'northgate', installed: true, reference: { serviceUrl: connector.url, channelId: 'msteams', conversation: { id: '19:general@thread.tacv2' } } });
  const config = loadConfig({ env: {}, cwd: '/tmp' });
  const result = await openOrJoinFromDetection({ stores: lantern.models, config, notifier: teamsEdgeFor(config, lantern.models).caseNotifier, log: createLogger({ level: 'silent' }), clock: () => new Date() }, config.schools[0]!, {
    detectionId: 'grant-1', ruleId: 'account.privilege_grant.microsoft', family: 'account.privilege_grant', severity: 'high', category: 'security',
    summary: 'An administrator gave a member of staff the Entra role "Helpdesk Administrator".', at: new Date(), subjectIds: [],
    objectId: 'Helpdesk Administrator', actor: 'it.admin@northgate.example', target: 'j.smith@northgate.example',
  });
  if (result.outcome !== 'it-opened') throw new Error(`expected an IT matter, got ${result.outcome}`);
  matterId = result.itMatterId;
}, 60_000);

afterAll(async () => {
  await lantern?.close();
  await connector?.close();
});

describe('the IT queue in Teams', () => {
  it('posts the IT card in the IT channel, not the DSL channel', () => {
    const paths = connector.calls.filter((c) => c.method === 'POST').map((c) => c.path);
    expect(paths).toEqual([`/v3/conversations/${IT_CHANNEL}/activities`]);
    expect(JSON.stringify(connector.cards('POST')[0])).toContain('This involves a child — send to the DSL');
  });

  it('refuses the DSL the IT matter (only the IT team reads it) and logs the attempt', async () => {
    const card = await act('it.send-to-dsl', { matterId }, RUTH);
    expect(card).toContain('This is for the IT team only');
    expect(await lantern.models.cases.countDocuments({})).toBe(0);
    expect(await lantern.models.caseAccessLog.countDocuments({ who: 'r.okafor@northgate.example', kind: 'refused' })).toBe(1);
  });

  it('lets the IT manager send it to the DSL: a linked case in the DSL channel, the IT card updated', async () => {
    const card = await act('it.send-to-dsl', { matterId }, SAM);
    const doc = await lantern.models.cases.findOne({ schoolId: 'northgate' }).lean();
    expect(doc?.itMatter).toMatch(/^IT-[0-9A-F]{8}$/);
    expect(card).toContain(`Sent to the DSL as ${doc?.number} by Sam Whitfield`);
    expect(card).not.toContain('it.send-to-dsl');
    expect(connector.calls.some((c) => c.method === 'POST' && c.path === `/v3/conversations/${DSL_CHANNEL}/activities`)).toBe(true);
    expect(await act('it.send-to-dsl', { matterId }, SAM)).toContain(`Already sent to the DSL as ${doc?.number}`);
    expect(await lantern.models.cases.countDocuments({})).toBe(1);
  });

  it('does not let the IT manager read the DSL case it became', async () => {
    const doc = await lantern.models.cases.findOne({ schoolId: 'northgate' }).lean();
    expect(await act('case.view', { caseId: doc?.caseId }, SAM)).toContain('This case is for the DSL team only');
  });
});
