import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHead } from '../../src/integrity/heads.js';
import { openIntegrityKey } from '../../src/integrity/key.js';
import { consentHash, type ConsentLinkContent } from '../../src/parents/consent-chain.js';
import { appendConsent, type ConsentInput } from '../../src/parents/consents.js';
import { chainHead, schoolHeads } from '../../src/ops/integrity/heads.js';
import { describeIntegrity, verifyIntegrity } from '../../src/ops/integrity/verify.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';

const SCHOOL = 'consent-chain-school';
const key = openIntegrityKey({ key: randomBytes(32).toString('hex'), keyFile: null, generate: false })!;
let conn: Connection;
let models: Models;

beforeAll(async () => {
  conn = await connectTestDatabase('consentchain');
  models = createModels(conn, key);
  await ensureIndexes(models);
});
afterAll(async () => dropTestDatabase(conn));

const answer = (pupilId: string, kind: string, decision: ConsentInput['decision']): ConsentInput => ({
  schoolId: SCHOOL, pupilId, kind, decision, parentId: `parent-of-${pupilId}`, typedName: 'A Parent', tokenHash: 'hash-of-link',
});

async function consentCheck() {
  const report = await verifyIntegrity(models, [SCHOOL], []);
  return { report, consents: report.chains.find((c) => c.chain === 'consents')! };
}

describe('parents\' consents in the evidence chain', () => {
  it('chains and seals each answer, verify passes and the heads include the chain', async () => {
    const t = new Date('2026-09-10T09:00:00Z');
    await appendConsent(models, answer('pupil-1', 'photos', 'given'), t);
    await appendConsent(models, answer('pupil-2', 'internet', 'refused'), new Date(t.getTime() + 60_000));
    await appendConsent(models, answer('pupil-1', 'photos', 'withdrawn'), new Date(t.getTime() + 120_000));
    const docs = await models.parentConsents.find({ schoolId: SCHOOL }).sort({ chainSeq: 1 }).lean();
    expect(docs.map((d) => d.chainSeq)).toEqual([1, 2, 3]);
    expect(docs[0]!.prevHash).toBe('');
    expect(docs[1]!.prevHash).toBe(docs[0]!.hash);
    expect(docs[2]!.hash).toBe(consentHash(docs[2] as unknown as ConsentLinkContent));
    expect(docs.every((d) => typeof d.mac === 'string' && d.mac.length === 64)).toBe(true);

    const { report, consents } = await consentCheck();
    expect(consents).toMatchObject({ entries: 3, problems: [] });
    expect(consents.seals?.sealed).toBe(3);
    expect(report.ok).toBe(true);
    expect(describeIntegrity(report).join('\n')).toContain(`✓ ${SCHOOL} parents' consents: 3 entries, 3 sealed; intact`);

    const heads = await schoolHeads(models, SCHOOL, new Date(t.getTime() + 3_600_000));
    expect(heads.find((h) => h.chain === 'consents')).toMatchObject({ entries: 3 });
  });

  it('fails verify, naming the consent chain, when an answer is edited in the database', async () => {
    const upTo = new Date('2026-09-11T00:00:00Z');
    const published = await chainHead(models, SCHOOL, 'consents', upTo);
    await models.parentConsents.collection.updateOne({ schoolId: SCHOOL, chainSeq: 3 }, { $set: { decision: 'given' } });
    const { report, consents } = await consentCheck();
    expect(report.ok).toBe(false);
    expect(consents.problems.join('\n')).toMatch(/\[edited\] answer 3 .*changed outside Lantern/);
    expect(describeIntegrity(report).join('\n')).toContain(`✗ ${SCHOOL} parents' consents`);
    const withHead = await verifyIntegrity(models, [], [published]);
    expect(withHead.heads[0]!.matches).toBe(false);
    await models.parentConsents.collection.updateOne({ schoolId: SCHOOL, chainSeq: 3 }, { $set: { decision: 'withdrawn' } });
    expect((await consentCheck()).report.ok).toBe(true);
  });

  it('passes deleting the newest answer without a head, and fails against a published head', async () => {
    const upTo = new Date('2026-09-11T00:00:00Z');
    const published = await chainHead(models, SCHOOL, 'consents', upTo);
    expect(formatHead(published)).toContain(`${SCHOOL}/consents/`);
    await models.parentConsents.collection.deleteOne({ schoolId: SCHOOL, chainSeq: 3 });
    expect((await consentCheck()).report.ok).toBe(true);
    const withHead = await verifyIntegrity(models, [SCHOOL], [published]);
    expect(withHead.ok).toBe(false);
    expect(withHead.heads[0]).toMatchObject({ matches: false });
  });

  it('reports answers stored before chaining without failing, and an unchained answer after it as a problem', async () => {
    const base = { ...answer('pupil-9', 'video', 'given'), seq: 1 };
    await models.parentConsents.collection.insertOne({ ...base, at: new Date('2026-01-01T00:00:00Z') });
    let { consents } = await consentCheck();
    expect(consents.problems).toEqual([]);
    expect(consents.beforeChaining).toBe(1);
    await models.parentConsents.collection.insertOne({ ...base, seq: 2, at: new Date('2026-09-12T00:00:00Z') });
    ({ consents } = await consentCheck());
    expect(consents.problems.join('\n')).toMatch(/\[unchained\] the video answer/);
  });

  it('gives answers for different pupils arriving at once their own positions, linked in order', async () => {
    const other = 'consent-chain-busy';
    const at = new Date('2026-09-20T09:00:00Z');
    await Promise.all(['a', 'b', 'c', 'd'].map((p) => appendConsent(models, { ...answer(`pupil-${p}`, 'photos', 'given'), schoolId: other }, at)));
    const docs = await models.parentConsents.find({ schoolId: other }).sort({ chainSeq: 1 }).lean();
    expect(docs.map((d) => d.chainSeq)).toEqual([1, 2, 3, 4]);
    const report = await verifyIntegrity(models, [other], []);
    expect(report.chains.find((c) => c.chain === 'consents')).toMatchObject({ entries: 4, problems: [] });
  });
});
