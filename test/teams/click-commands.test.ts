import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CAMPAIGN_KEY } from '../../src/agreements/demo-seed.js';
import { currentVersion } from '../../src/agreements/versions.js';
import { CommandMeter } from '../../src/bench/command-meter.js';
import type { AgreementVersion } from '../../src/agreements/version-model.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';

/*
 * Database commands per card click, counted with the driver's command monitoring through the real bot adapter:
 * what does not change from one click to the next (the directory person, the agreement version) is not read again.
 */
const TENANT = '00000000-0000-0000-0000-0000000000001';
const SIGNER = { personId: 'click-staff-1', aad: '00000000-0000-0000-0000-00000000c001' };
const EARLIER = { personId: 'click-staff-2', aad: '00000000-0000-0000-0000-00000000c002' };
let lantern: TestLantern;
let meter: CommandMeter;
let version: AgreementVersion;
let campaignId: string;

function invoke(aad: string, verb: string, data: Record<string, unknown>, trigger: 'manual' | 'automatic' = 'manual'): Promise<string> {
  const body = {
    type: 'invoke', name: 'adaptiveCard/action', id: randomUUID(), channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/',
    from: { id: `29:${aad}`, name: 'Staff', aadObjectId: aad }, recipient: { id: '28:lantern', name: 'Lantern' },
    conversation: { id: `a:${aad}`, conversationType: 'personal', tenantId: TENANT },
    value: { action: { type: 'Action.Execute', verb, data }, trigger },
  };
  return fetch(`${lantern.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.text());
}

beforeAll(async () => {
  lantern = await startTestLantern({}, { backgroundJobs: false, monitorCommands: true });
  meter = new CommandMeter(lantern.connection);
  for (const p of [SIGNER, EARLIER]) await lantern.models.people.create({ schoolId: 'northgate', personId: p.personId, displayName: 'Click Staff', role: 'staff', aadObjectId: p.aad, active: true });
  version = (await currentVersion(lantern.models, 'northgate', 'staff-aua')) as AgreementVersion;
  campaignId = `northgate:staff-aua:v${version.number}:${DEMO_CAMPAIGN_KEY}`;
  // The school's chain has begun (its head exists), as it has after the first signature.
  expect(await invoke(EARLIER.aad, 'agreement.sign', { versionId: version._id, campaignId })).toContain('Signed');
});
afterAll(async () => {
  await lantern?.close();
});

describe('database commands per card click', () => {
  it('"I agree" on a card just opened: the person and the version are not read again, the signature is ≤ 5 commands', async () => {
    // Teams refreshes the card when it is opened (agreement.view); the person reads it, then presses "I agree".
    expect(await invoke(SIGNER.aad, 'agreement.view', { versionId: version._id, campaignId }, 'automatic')).toContain('I agree');
    await meter.idle(50);
    meter.reset();
    expect(await invoke(SIGNER.aad, 'agreement.sign', { versionId: version._id, campaignId })).toContain('Signed');
    await meter.idle(50);
    expect(meter.by.get('find people') ?? 0, meter.breakdown(1)).toBe(0);
    expect(meter.by.get('find agreement_versions'), meter.breakdown(1)).toBe(1); // the current version: a newer one may have been published
    // The current version, the chain's tail, the record, the chain head cache, and the open request the daily
    // tick reads instead of every signature (agreement_open_requests).
    expect(meter.total, meter.breakdown(1)).toBeLessThanOrEqual(5);
    expect(meter.by.get('update agreement_open_requests'), meter.breakdown(1)).toBe(1);
    expect(await lantern.models.agreementSignatures.countDocuments({ schoolId: 'northgate', signerId: SIGNER.personId })).toBe(1);
  });
});
