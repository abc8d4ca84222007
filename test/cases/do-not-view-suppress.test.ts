import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrJoinFromDetection } from '../../src/cases/detection.js';
import { sweepDetections } from '../../src/cases/monitoring-adapter.js';
import { teamsEdgeFor } from '../support/teams.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { createEngine } from '../../src/monitoring/engine.js';
import { makeAlert, SAMPLE_TENANT } from '../../src/monitoring/rules/fixtures.js';
import { loadEffectiveMonitoring } from '../../src/monitoring/settings-store.js';
import { createDetectionStore } from '../../src/monitoring/store.js';
import { findSuppression } from '../../src/monitoring/suppressions.js';
import { createTenantContext } from '../../src/monitoring/tenant.js';
import type { Detection } from '../../src/monitoring/types.js';
import { makeActivity, postActivity } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { startConnectorStandIn, type ConnectorStandIn } from './connector-stand-in.js';
import { routedToDsl } from './fixtures.js';

const RUTH_AAD = '00000000-0000-0000-0000-00000000e001';
const ALEX_AAD = '00000000-0000-0000-0000-0000000000020';
const config = loadConfig({ env: {}, cwd: '/tmp' });
const school = config.schools[0]!;
let lantern: TestLantern;
let connector: ConnectorStandIn;

async function invoke(verb: string, data: Record<string, unknown>, aadObjectId = RUTH_AAD): Promise<string> {
  const res = await postActivity(lantern.url, makeActivity({
    type: 'invoke', name: 'adaptiveCard/action', deliveryMode: undefined, serviceUrl: connector.url,
    from: { id: `29:${aadObjectId}`, name: 'someone', aadObjectId },
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  }));
  expect(res.status).toBe(200);
  return JSON.stringify((res.body as { value: unknown }).value);
}

function deps(clock = () => new Date()) {
  return { stores: lantern.models, models: lantern.models, config, notifier: teamsEdgeFor(config, lantern.models, { clock }).caseNotifier, log: createLogger({ level: 'silent' }), clock };
}

/** Web links a card must not carry (the Adaptive Cards schema URL is not a link to anything). */
function links(card: string): string[] {
  return [...card.matchAll(/https?:\/\/[^"\s\\]+/g)].map((m) => m[0]).filter((u) => !u.startsWith('http://adaptivecards.io/'));
}

beforeAll(async () => {
  connector = await startConnectorStandIn();
  lantern = await startTestLantern();
  await lantern.models.people.updateOne({ schoolId: school.id, email: 'r.okafor@northgate.example' }, { $set: { aadObjectId: RUTH_AAD } });
  await lantern.models.conversationRefs.create({ conversationId: '19:dsl-team-general@thread.tacv2', scope: 'channel', schoolId: school.id, reference: { serviceUrl: connector.url, channelId: 'msteams', conversation: { id: '19:dsl-team-general@thread.tacv2' } } });
}, 60_000);

afterAll(async () => {
  await lantern?.close();
  await connector?.close();
});

describe('"do not view" (B5, UKCIS): from the rule to the card', () => {
  it('a Microsoft nudity alert becomes a critical "do not view" detection, case and card with no link, id or title', async () => {
    const detections: Detection[] = [];
    const engine = createEngine({ tenant: createTenantContext(SAMPLE_TENANT), onDetection: (d) => detections.push(d) });
    engine.process(makeAlert({ id: 'alert-nude-1', title: 'Communication compliance: nudity detected in shared image', category: 'DataLossPrevention', severity: 'medium', description: 'Image IMG_2041.jpg in https://northgate-my.sharepoint.com/personal/x/IMG_2041.jpg' }));
    expect(detections.map((d) => [d.ruleId, d.mayInvolveIndecentImage, d.severity, d.category])).toEqual([['content.indecent_image.graph_alert', true, 'critical', 'content']]);
    expect(JSON.stringify(detections[0])).not.toContain('IMG_2041');
    await createDetectionStore(lantern.models).store(school.id, [{ key: 'k-nude-1', detection: detections[0]! }]);
    expect((await lantern.models.detections.findOne({ ruleId: 'content.indecent_image.graph_alert' }).lean())?.mayInvolveIndecentImage).toBe(true);

    const before = connector.cards('POST').length;
    expect(await sweepDetections(deps())).toEqual({ routed: 1 });
    const stored = await lantern.models.detections.findOne({ ruleId: 'content.indecent_image.graph_alert' }).lean();
    const doc = await lantern.models.cases.findOne({ caseId: stored?.caseId }).lean();
    expect(doc).toMatchObject({ doNotView: true, severity: 'critical', category: 'content', source: 'detection' });
    const card = JSON.stringify(connector.cards('POST')[before]);
    expect(card).toContain('Do not open or view the item');
    expect(links(card)).toEqual([]);
    expect(card).not.toContain('alert-nude-1');
    expect(card).not.toContain('IMG_2041');
  });

  it('a concern about nude or semi-nude images is "do not view": banner, no link even when the reporter typed one', async () => {
    const before = connector.cards('POST').length;
    const ack = await invoke('case.concern.submit', {
      schoolId: school.id, pupils: 'pupil-005', category: 'nude-images', where: 'Snapchat: snapchat.com/add/boy123, the picture is IMG_2231.jpg',
      what: 'A pupil says a photo of her is going round; someone sent me https://northgate-my.sharepoint.com/personal/x/holiday_photo.jpg but I did not open it.',
    }, ALEX_AAD);
    expect(ack).toContain('Thank you');
    const card = JSON.stringify(connector.cards('POST')[before]);
    expect(card).toContain('Do not open or view the item');
    // The marker is part of the case's text, so it is escaped like the rest of it (JSON doubles the backslashes).
    expect(card).toContain(String.raw`\\[link removed: do not view\\]`);
    expect(links(card)).toEqual([]);
    expect(card).not.toContain('holiday_photo');
    for (const leak of ['snapchat.com', 'boy123', 'IMG_2231']) expect(card).not.toContain(leak);
    expect(card).toContain('Snapchat');
    expect(card).toContain('Conduct — behaviour online');
    const doc = await lantern.models.cases.findOne({ summary: /photo of her/ }).lean();
    // Reported as medium (staff cannot choose), opened as high: it must escalate if nobody acknowledges it.
    expect(doc).toMatchObject({ doNotView: true, category: 'conduct', source: 'concern', severity: 'high' });
    expect(await lantern.models.jobs.countDocuments({ key: `${school.id}:${doc?.caseId}` })).toBe(1);
  });

  it('shows the people a member of staff named as "who", and gives a DSL filing the form the case number', async () => {
    const before = connector.cards('POST').length;
    const ack = await invoke('case.concern.submit', { schoolId: school.id, pupils: 'pupil-005', category: 'contact', involved: 'Mr Jones (PE teacher)', what: 'A parent says a coach messages children privately.' }, ALEX_AAD);
    expect(ack).not.toMatch(/NGP-\d{4}-\d{4}/);
    const card = JSON.stringify(connector.cards('POST')[before]);
    const pupil = await lantern.models.people.findOne({ schoolId: school.id, personId: 'pupil-005' }).lean();
    // Who names the pupil chosen and the adult the reporter typed (Markdown-escaped on the card).
    expect(card.replace(/\\/g, '')).toContain(`${pupil?.displayName} (${pupil?.form}), Mr Jones (PE teacher)`);
    const filed = await invoke('case.concern.submit', { schoolId: school.id, category: 'contact', involved: 'A visitor', what: 'A visitor photographed the playground.' });
    const doc = await lantern.models.cases.findOne({ summary: /photographed the playground/ }).lean();
    expect(filed).toContain(`It is case ${doc?.number}.`);
  });

  it('offers "Nude or semi-nude images" on the concern form', async () => {
    const res = await postActivity(lantern.url, makeActivity({ type: 'message', text: 'report a concern', serviceUrl: connector.url, from: { id: '29:alex', name: 'Alex Wilber', aadObjectId: ALEX_AAD } }));
    expect(JSON.stringify(res.body)).toContain('Nude or semi-nude images');
  });
});

describe('mark false positive → "Suppress similar alerts" (C2)', () => {
  it('offers a prefilled suppression, makes it once with who and why, in the change log and the case timeline', async () => {
    const opened = await openOrJoinFromDetection(deps(), routedToDsl(school, ['sharing.public_link', 'sharing.external_user', 'email.external_forwarding', 'data.mass_download']), {
      detectionId: 'fp-1', ruleId: 'sharing.external_user.google', family: 'sharing.external_user', severity: 'medium', category: 'security',
      summary: 'A member of staff shared a file with an address outside the school.', at: new Date(), subjectIds: [],
      objectId: 'doc-photographer', actor: 'a.wilber@northgate.example', target: 'studio@photos.example',
    });
    const caseId = 'caseId' in opened ? opened.caseId : '';
    expect(await invoke('case.view', { caseId })).not.toContain('Suppress similar alerts');
    const marked = await invoke('case.false-positive', { caseId, reason: 'The school photographer, under contract.' });
    expect(marked).toContain('Suppress similar alerts');
    expect(marked).toContain('"value":"The school photographer, under contract."');
    expect(marked).toContain('90 days');
    expect(marked).toContain('"verb":"case.suppress"');

    const data = { caseId, suppressScope: 'actor-object', suppressReason: 'The school photographer, under contract.', suppressDays: '30' };
    const [a, b] = await Promise.all([invoke('case.suppress', data), invoke('case.suppress', data)]);
    expect([a, b].filter((c) => c.includes('Similar alerts are suppressed until'))).toHaveLength(1);
    expect([a, b].filter((c) => c.includes('already suppressed'))).toHaveLength(1);

    const changes = await lantern.models.monitoringChanges.find({ schoolId: school.id }).lean();
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ who: 'r.okafor@northgate.example', what: { type: 'suppression.add', suppression: { ruleId: 'sharing.external_user.google', actor: 'a.wilber@northgate.example', objectId: 'doc-photographer', createdBy: 'r.okafor@northgate.example' } } });
    expect(changes[0]?.why).toContain('The school photographer, under contract.');
    const days = (Date.parse((changes[0]?.what as { suppression: { expiresAt: string } }).suppression.expiresAt) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    const entry = await lantern.models.caseTimeline.findOne({ caseId, action: 'suppressed' }).lean();
    expect(entry?.by).toMatchObject({ email: 'r.okafor@northgate.example' });
    expect(await invoke('case.view', { caseId })).toContain('suppressed until');

    // Monitoring applies it: the same rule, person and item are silenced; another item is not.
    const effective = await loadEffectiveMonitoring(lantern.models, school, new Date());
    const same = { ruleId: 'sharing.external_user.google', family: 'sharing.external_user', actor: 'a.wilber@northgate.example', objectId: 'doc-photographer' } as Detection;
    expect(findSuppression(same, effective.suppressions, Date.now())?.id).toMatch(/^fp-NGP-/);
    expect(findSuppression({ ...same, objectId: 'doc-other' }, effective.suppressions, Date.now())).toBeUndefined();
  });

  it('refuses a forged scope or duration and anyone outside the DSL team, storing nothing', async () => {
    const opened = await openOrJoinFromDetection(deps(), routedToDsl(school, ['sharing.public_link', 'sharing.external_user', 'email.external_forwarding', 'data.mass_download']), {
      detectionId: 'fp-2', ruleId: 'sharing.public_link.google', family: 'sharing.public_link', severity: 'high', category: 'security',
      summary: 'A file was shared with anyone who has the link.', at: new Date(), subjectIds: [], objectId: 'doc-2', actor: 'a.wilber@northgate.example',
    });
    const caseId = 'caseId' in opened ? opened.caseId : '';
    expect(await invoke('case.suppress', { caseId, suppressScope: 'actor', suppressReason: 'x', suppressDays: '30' })).toContain('Only a monitoring alert marked as a false positive');
    await invoke('case.false-positive', { caseId, reason: 'Public on purpose: the school prospectus.' });
    expect(await invoke('case.suppress', { caseId, suppressScope: 'everything', suppressReason: 'ok then', suppressDays: '30' })).toContain('Choose what to suppress');
    expect(await invoke('case.suppress', { caseId, suppressScope: 'object', suppressReason: 'ok then', suppressDays: '3650' })).toContain('Choose how long');
    expect(await invoke('case.suppress', { caseId, suppressScope: 'object', suppressReason: 'ok then', suppressDays: '7' }, ALEX_AAD)).toContain('This case is for the DSL team only');
    expect(await lantern.models.monitoringChanges.countDocuments({ schoolId: school.id })).toBe(1);
  });

  it('leaves remediation to IT when the school has not switched it on', async () => {
    const opened = await openOrJoinFromDetection(deps(), routedToDsl(school, ['sharing.public_link', 'sharing.external_user', 'email.external_forwarding', 'data.mass_download']), {
      detectionId: 'fwd-off', ruleId: 'email.external_forwarding.google', family: 'email.external_forwarding', severity: 'high', category: 'security',
      summary: 'A mailbox forwards mail outside the school.', at: new Date(), subjectIds: [], objectId: 'mbx', actor: 'a.wilber@northgate.example', target: 'x@gmail.example',
    });
    const caseId = 'caseId' in opened ? opened.caseId : '';
    expect(await invoke('case.view', { caseId })).toContain('Turn off forwarding (ask IT)');
    expect(await invoke('case.remediate', { caseId, remediation: 'turn-off-forwarding' })).toContain('remediation.enabled is off');
  });
});
