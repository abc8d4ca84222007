import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCommand } from '../../src/cases/act.js';
import { openOrJoinFromDetection } from '../../src/cases/detection.js';
import { objectKeyHash } from '../../src/cases/do-not-view.js';
import { openCase } from '../../src/cases/open.js';
import { verifyCases } from '../../src/cases/verify.js';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load.js';
import { connectDatabase } from '../../src/db/connect.js';
import { readDigestData, renderDigest } from '../../src/digest/assemble.js';
import { isoWeekAt } from '../../src/digest/week.js';
import type { Person } from '../../src/directory/person.js';
import { readDirectorySource, syncDirectory } from '../../src/directory/sync.js';
import { openIntegrityKey } from '../../src/integrity/key.js';
import { createLogger } from '../../src/log/logger.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { testMongoUri } from '../support/db.js';
import { teamsEdgeFor } from '../support/teams.js';
import { caseOutputs, plain, textWith, token } from './dnv-outputs.js';
import { ALEX, demoSchool, makeCaseInput, RUTH } from './fixtures.js';

const INTEGRITY_HEX = 'd7'.repeat(32);
const school = demoSchool();
const uri = `${testMongoUri()}dnvlater_${randomUUID().slice(0, 8)}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-dnv-later-'));
let conn: Connection;
let models: Models;

beforeAll(async () => {
  conn = await connectDatabase(uri);
  models = createModels(conn, openIntegrityKey({ key: INTEGRITY_HEX, keyFile: null, generate: false }));
  await ensureIndexes(models);
  await syncDirectory(models.people, school.id, await readDirectorySource(school));
});
afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => out.push(l), env: { MONGODB_URI: uri, LOG_LEVEL: 'silent', LANTERN_INTEGRITY_KEY: INTEGRITY_HEX }, cwd: dir });
  return { code, out: out.join('\n') };
}

/** Every document of every collection: nothing stored anywhere may hold what a "do not view" case removed. */
async function everythingStored(): Promise<string> {
  const db = conn.db;
  if (!db) throw new Error('no database');
  const docs: unknown[] = [];
  for (const c of await db.collections()) docs.push(...(await c.find({}).toArray()));
  return JSON.stringify(docs);
}

/** The ways a case becomes "do not view" after it was written. */
const PATHS = ['reclassified by the DSL', 'a later detection about the same item'] as const;
const allCores: string[] = [];
const cases: { caseId: string; path: (typeof PATHS)[number] }[] = [];

describe('property: a case that becomes "do not view" later keeps no link, file name or item id from before', () => {
  it('by either path: no output, no stored document; the earlier entries are redacted and the record verifies', { timeout: 300_000 }, async () => {
    const config = loadConfig({ env: {}, cwd: dir });
    const deps = { stores: models, config, notifier: teamsEdgeFor(config, models).caseNotifier, log: createLogger({ level: 'silent' }), clock: () => new Date() };
    const people = await models.people.find({ schoolId: school.id, personId: 'pupil-004' }).lean<Person[]>();
    const clock = () => new Date();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(textWith(1500), textWith(400), textWith(400), textWith(1000), textWith(150), token, textWith(300), textWith(300), async (summary, where, involved, note, reference, item, triageInvolved, reason) => {
        const way = PATHS[run++ % PATHS.length] as (typeof PATHS)[number];
        const cores = [...summary.cores, ...where.cores, ...involved.cores, ...note.cores, ...reference.cores, item.core, ...triageInvolved.cores, ...reason.cores];
        allCores.push(...cores);
        // Written as an ordinary case first: every field holds its links, file names and ids as given.
        const opened = await openCase(models, school, makeCaseInput({
          source: 'detection', reporter: null, by: ALEX, subjects: ['pupil-004'],
          summary: `Seen. ${summary.text}`, where: where.text, involved: involved.text,
          detections: [{ detectionId: randomUUID(), ruleId: 'sharing.public_link.google', family: 'sharing.public_link', at: new Date(), objectId: item.text, target: item.text, location: { siteUrl: item.text, listId: item.text } }],
          objectKeys: [`object:${item.text}`],
        }), new Date());
        cases.push({ caseId: opened.caseId, path: way });
        if (note.text.trim()) await applyCommand(models, school.id, opened.caseId, RUTH, { kind: 'note', text: note.text }, clock);
        await applyCommand(models, school.id, opened.caseId, RUTH, { kind: 'escalate', agency: 'police', reference: reference.text }, clock);
        await applyCommand(models, school.id, opened.caseId, RUTH, { kind: 'people', subjects: ['pupil-004'], involved: `Also ${triageInvolved.text}`, reason: `Why: ${reason.text}` }, clock);
        if (way === 'reclassified by the DSL') {
          const made = await applyCommand(models, school.id, opened.caseId, RUTH, { kind: 'reclassify', severity: 'medium', category: 'conduct', reason: `It is an image. ${reason.text}`, doNotView: true }, clock);
          expect(made.ok && made.loaded.state).toMatchObject({ doNotView: true, severity: 'high' });
        } else {
          const joined = await openOrJoinFromDetection(deps, school, { detectionId: randomUUID(), ruleId: 'sharing.public_link.google', family: 'sharing.public_link', category: 'content', severity: 'medium', summary: `Shared again: ${summary.text}`, at: new Date(), subjectIds: [], objectId: item.text, mayInvolveIndecentImage: true });
          expect(joined).toMatchObject({ outcome: 'joined', caseId: opened.caseId });
        }
        // Later changes still join by the item's hash and record nothing that names it.
        const stored = await models.cases.findOne({ caseId: opened.caseId }).lean();
        expect(stored?.objectKeys).toContain(objectKeyHash(item.text));
        await applyCommand(models, school.id, opened.caseId, RUTH, { kind: 'close', outcomeCategory: 'other', outcome: `Closed. ${note.text}` }, clock);
        const outputs = await caseOutputs(models, school, opened.caseId, 'pupil-004', people);
        for (const [name, output] of Object.entries({ ...outputs, everythingStored: await everythingStored() })) {
          const seen = plain(output);
          for (const c of cores) expect(seen.includes(c), `${way}: ${name} shows ${c}`).toBe(false);
        }
        const timeline = await models.caseTimeline.find({ caseId: opened.caseId }).sort({ seq: 1 }).lean();
        expect(timeline.some((e) => e.action === 'redacted' && (e.redacts ?? []).some((r) => r.seq === 1)), way).toBe(true);
        const verified = await verifyCases(models, school.id);
        expect(verified.issues, way).toEqual([]);
        expect(verified.seals).toMatchObject({ forged: 0, unsealed: 0 });
      }),
      { numRuns: 12, seed: 20_261_207 },
    );
    expect(new Set(cases.map((c) => c.path)).size).toBe(PATHS.length);
  });

  it('the CLI export and verify, and the governors\' digest, show none of them; verify names the redactions', { timeout: 60_000 }, async () => {
    expect(allCores.length).toBeGreaterThan(12);
    const exported = await cli('cases', 'export', '--log', '--as', RUTH.email);
    const chronology = await cli('cases', 'export', '--chronology', 'pupil-004', '--as', RUTH.email);
    const verified = await cli('cases', 'verify');
    const integrity = await cli('integrity', 'verify');
    expect([exported.code, chronology.code, verified.code, integrity.code]).toEqual([0, 0, 0, 0]);
    expect(verified.out).toMatch(/\d+ entries were redacted when their case became "do not view"/);
    expect(integrity.out).toMatch(/redacted when their case became "do not view"/);
    const now = new Date();
    const digest = renderDigest(await readDigestData(models, school, isoWeekAt(now, school.timezone), now), school.timezone);
    for (const [name, output] of Object.entries({ cli: exported.out + chronology.out + verified.out, digestHtml: digest.html, digestText: digest.text })) {
      const seen = plain(output);
      for (const c of allCores) expect(seen.includes(c), `${name} shows ${c}`).toBe(false);
    }
  });

  it('a redacted entry changed afterwards fails verify, as does a redaction record changed to match it', async () => {
    const { caseId } = cases[0] ?? { caseId: '' };
    const first = await models.caseTimeline.findOne({ caseId, seq: 1 }).lean();
    expect(first?.after.summary).toBeDefined();
    await models.caseTimeline.updateOne({ caseId, seq: 1 }, { $set: { 'after.summary': 'Something else entirely.' } });
    const edited = await cli('cases', 'verify');
    expect(edited.code).toBe(1);
    expect(edited.out).toMatch(/entry 1: edited/);
    // Covering it up means rewriting the redaction record too: its own hash and seal then fail.
    const marker = await models.caseTimeline.findOne({ caseId, action: 'redacted' }).lean();
    const { hashEntry } = await import('../../src/cases/chain.js');
    const tampered = await models.caseTimeline.findOne({ caseId, seq: 1 }).lean();
    const redacts = (marker?.redacts ?? []).map((r) => (r.seq === 1 && tampered ? { ...r, redactedHash: hashEntry(tampered) } : r));
    await models.caseTimeline.updateOne({ caseId, seq: marker?.seq }, { $set: { redacts } });
    const covered = await verifyCases(models, school.id);
    expect(covered.issues.filter((i) => i.caseId === caseId).map((i) => [i.seq, i.kind])).toContainEqual([marker?.seq, 'edited']);
    expect((await cli('integrity', 'verify')).code).toBe(1);
  });
});
