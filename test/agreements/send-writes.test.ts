import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { createLogger } from '../../src/log/logger.js';
import { batchedWrites } from '../../src/teams/send/writes.js';
import type { AgreementSend } from '../../src/agreements/campaign-model.js';
import { dropTestDatabase } from '../support/db.js';
import { commandCount, connectMeteredDatabase, type CommandMeter } from './sim/meter.js';

// A queue run's gathered writes must answer each card exactly as one insert per card would have.
let conn: Connection;
let meter: CommandMeter;
let models: Models;
const logger = createLogger({ level: 'silent' });

beforeAll(async () => {
  ({ conn, meter } = await connectMeteredDatabase('agr_writes'));
  models = createModels(conn);
  await ensureIndexes(models);
});
afterAll(async () => {
  await dropTestDatabase(conn);
});

function openSend(id: string): AgreementSend {
  return { _id: id, schoolId: 'northgate', campaignId: 'c', personId: id, round: 0, dueAt: new Date(), deliveryId: id };
}

describe('gathered send writes', () => {
  it('claims in one insert, each answered for itself: a number another worker took is a duplicate, the rest are this worker\'s', async () => {
    await models.agreementSendClaims.create({ _id: 'b#1', by: 'other', at: new Date() });
    const writes = batchedWrites(models, logger, { claimWaitMs: 50 });
    meter.phase = 'claims';
    const answers = await Promise.all(['a#1', 'b#1', 'c#1'].map((id) => writes.claim({ _id: id, by: 'me', at: new Date() })));
    meter.phase = 'test';
    expect(answers).toEqual(['inserted', 'duplicate', 'inserted']);
    expect(commandCount(meter.phases, 'claims', 'insert agreement_send_claims')).toBe(1);
    expect((await models.agreementSendClaims.findById('b#1').lean())?.by).toBe('other');
    expect((await models.agreementSendClaims.findById('c#1').lean())?.by).toBe('me');
  });

  it('outcomes recorded once: an outcome already there is answered duplicate and left as it was', async () => {
    const writes = batchedWrites(models, logger);
    const result = (id: string, status: 'sent' | 'failed') => ({ _id: id, schoolId: 'northgate', campaignId: 'c', personId: id, round: 0, status, attempts: 1, at: new Date() });
    expect(await writes.record(result('r1', 'sent'))).toBe('inserted');
    expect(await Promise.all([writes.record(result('r1', 'failed')), writes.record(result('r2', 'sent'))])).toEqual(['duplicate', 'inserted']);
    expect((await models.agreementSendResults.findById('r1').lean())?.status).toBe('sent');
  });

  it('finished sends leave the open sends together, by the time the run flushes', async () => {
    await models.agreementOpenSends.insertMany(['o1', 'o2', 'o3', 'o4'].map(openSend));
    const writes = batchedWrites(models, logger);
    meter.phase = 'close';
    for (const id of ['o1', 'o2', 'o3']) await writes.close(id);
    await writes.flush();
    meter.phase = 'test';
    expect(commandCount(meter.phases, 'close', 'delete agreement_open_sends')).toBe(1);
    expect((await models.agreementOpenSends.find().lean()).map((s) => s._id)).toEqual(['o4']);
  });
});
