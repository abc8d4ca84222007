import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCommand } from '../../src/cases/act.js';
import { openOrJoinFromDetection } from '../../src/cases/detection.js';
import { FILE_REMOVED, ID_REMOVED, LINK_REMOVED, redactText } from '../../src/cases/do-not-view.js';
import { openCase } from '../../src/cases/open.js';
import { loadCase } from '../../src/cases/store.js';
import { runCli } from '../../src/cli/main.js';
import { readDigestData, renderDigest } from '../../src/digest/assemble.js';
import { isoWeekAt } from '../../src/digest/week.js';
import type { Person } from '../../src/directory/person.js';
import { readDirectorySource, syncDirectory } from '../../src/directory/sync.js';
import { connectDatabase } from '../../src/db/connect.js';
import { createLogger } from '../../src/log/logger.js';
import { loadConfig } from '../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { channelCardData } from '../../src/teams/cases/card-data.js';
import { testMongoUri } from '../support/db.js';
import { teamsEdgeFor } from '../support/teams.js';
import { caseOutputs, plain, textWith, token } from './dnv-outputs.js';
import { ALEX, demoSchool, makeCaseInput, RUTH } from './fixtures.js';

const school = demoSchool();
const uri = `${testMongoUri()}dnv_${randomUUID().slice(0, 8)}`;
let conn: Connection;
let models: Models;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-dnv-'));

beforeAll(async () => {
  conn = await connectDatabase(uri);
  models = createModels(conn);
  await ensureIndexes(models);
  await syncDirectory(models.people, school.id, await readDirectorySource(school));
});
afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

describe('redactText (UKCIS: no way to reach the item)', () => {
  it.each([
    ['https://northgate-my.sharepoint.com/personal/x/holiday_photo.jpg', LINK_REMOVED],
    ['snapchat.com/add/kid99', LINK_REMOVED],
    ['bit.ly/3xYz', LINK_REMOVED],
    ['www.tiktok.com', LINK_REMOVED],
    ['例え.jp/パス', LINK_REMOVED],
    ['IMG_2231.jpg', FILE_REMOVED],
    ['clip.final.mp4.zip', FILE_REMOVED],
    ['1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms', ID_REMOVED],
    ['<CAF=abc123@mail.gmail.com>', ID_REMOVED],
    ['01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K', ID_REMOVED],
    ['9A8B7C6D5E4F3A2B!123', ID_REMOVED],
    ['18c2f1a9b3d4e5f6', ID_REMOVED],
  ])('removes %s', (text, marker) => {
    expect(redactText(`Seen: ${text} not opened.`)).toBe(`Seen: ${marker} not opened.`);
  });

  it('keeps what says where in general terms, people, case numbers and ordinary words', () => {
    const text = 'An image in a Snapchat message, e.g. at 10.30 on 10/03/2026; told a.wilber@northgate.example, see NGP-2026-0042 (3.5 hours of well-being work).';
    expect(redactText(text)).toBe(text);
  });
});

describe('a "do not view" case is redacted when written and opens at high', () => {
  it('stores no link, file name or item id, even in a later note; a staff concern of medium opens as high', async () => {
    const opened = await openCase(models, school, makeCaseInput({
      doNotView: true, severity: 'medium',
      summary: 'Pupil says IMG_2231.jpg of her is on snapchat.com/add/kid99 and bit.ly/3xYz.',
      where: 'Snapchat, https://www.snapchat.com/add/kid99 — file IMG_2231.jpg',
      involved: 'An older boy, see drive file 1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms',
    }), new Date());
    expect(opened.state.severity).toBe('high');
    await applyCommand(models, school.id, opened.caseId, RUTH, { kind: 'note', text: 'Police asked for message <CAF=abc123@mail.gmail.com> and www.example.org/x1.' }, () => new Date());
    const stored = JSON.stringify([
      await models.cases.findOne({ caseId: opened.caseId }).lean(),
      await models.caseTimeline.find({ caseId: opened.caseId }).lean(),
      await models.caseBoard.find({ caseId: opened.caseId }).lean(),
    ]);
    for (const leak of ['IMG_2231', 'snapchat.com', 'kid99', 'bit.ly', '1BxiMVs0XRA5', 'CAF=abc123', 'example.org']) expect(stored).not.toContain(leak);
    expect(stored).toContain('Snapchat');
  });

  it('keeps only a hash of a detection\'s item, still joins the next detection about it, and raises a joined case to high', async () => {
    const config = loadConfig({ env: {}, cwd: dir });
    const deps = { stores: models, config, notifier: teamsEdgeFor(config, models).caseNotifier, log: createLogger({ level: 'silent' }), clock: () => new Date() };
    const base = { ruleId: 'sharing.public_link.google', family: 'sharing.public_link', category: 'content' as const, summary: 'A file was shared publicly.', at: new Date(), subjectIds: [], objectId: 'DRIVE1aB2cD3eF4gH5iJ6kL7', location: { siteUrl: 'https://northgate.sharepoint.com/sites/x', listId: 'list-1' } };
    const first = await openOrJoinFromDetection(deps, school, { ...base, detectionId: 'dnv-1', severity: 'medium', mayInvolveIndecentImage: true });
    const second = await openOrJoinFromDetection(deps, school, { ...base, detectionId: 'dnv-2', severity: 'medium' });
    expect(second).toMatchObject({ outcome: 'joined', caseId: 'caseId' in first ? first.caseId : '' });
    const caseId = 'caseId' in first ? first.caseId : '';
    const stored = JSON.stringify([await models.cases.findOne({ caseId }).lean(), await models.caseTimeline.find({ caseId }).lean()]);
    expect(stored).not.toContain('DRIVE1aB2cD3eF4gH5iJ6kL7');
    expect(stored).not.toContain('sharepoint');
    expect((await models.cases.findOne({ caseId }).lean())?.severity).toBe('high');
    // With no item id kept there is nothing to fix from the card: IT preserves the evidence instead.
    const loaded = await loadCase(models, school.id, String(caseId));
    expect(JSON.stringify(channelCardData({ loaded: loaded!, school, now: new Date(), people: [] }))).not.toContain('Remove the public link');

    // A case about something else that turns out to be "do not view" is raised to high too.
    const plain = await openOrJoinFromDetection(deps, school, { ...base, objectId: 'OTHER9zY8xW7vU6tS5rQ4', detectionId: 'plain-1', severity: 'medium' });
    await openOrJoinFromDetection(deps, school, { ...base, objectId: 'OTHER9zY8xW7vU6tS5rQ4', detectionId: 'plain-2', severity: 'medium', mayInvolveIndecentImage: true });
    const raised = await models.cases.findOne({ caseId: 'caseId' in plain ? plain.caseId : '' }).lean();
    expect(raised).toMatchObject({ doNotView: true, severity: 'high' });
  });
});

// ---- The property: whatever a "do not view" case is built from, no output names a way to the item. ----

const allCores: string[] = [];

describe('property: no output of a "do not view" case contains a link, file name or item id', () => {
  it('card JSON, dashboard HTML, incident log, chronology (CSV and printable HTML) and the stored record', { timeout: 300_000 }, async () => {
    const people = await models.people.find({ schoolId: school.id, personId: 'pupil-003' }).lean<Person[]>();
    await fc.assert(
      fc.asyncProperty(textWith(1500), textWith(400), textWith(400), textWith(1000), textWith(150), token, textWith(400), textWith(300), textWith(600), async (summary, where, involved, note, reference, item, triageInvolved, reason, words) => {
        const cores = [...summary.cores, ...where.cores, ...involved.cores, ...note.cores, ...reference.cores, item.core, ...triageInvolved.cores, ...reason.cores, ...words.cores];
        allCores.push(...cores);
        const opened = await openCase(models, school, makeCaseInput({
          doNotView: true, source: 'detection', reporter: null, by: ALEX, subjects: ['pupil-003'],
          summary: `Seen. ${summary.text}`, where: where.text, involved: involved.text, childWords: words.text,
          detections: [{ detectionId: randomUUID(), ruleId: 'sharing.public_link.google', family: 'sharing.public_link', at: new Date(), objectId: item.text, target: item.text, location: { siteUrl: item.text, listId: item.text } }],
          objectKeys: [`object:${item.text}`],
        }), new Date());
        const clock = () => new Date();
        if (note.text.trim()) await applyCommand(models, school.id, opened.caseId, RUTH, { kind: 'note', text: note.text }, clock);
        await applyCommand(models, school.id, opened.caseId, RUTH, { kind: 'escalate', agency: 'police', reference: reference.text }, clock);
        // Actions taken and who was informed are free text too.
        const action = await applyCommand(models, school.id, opened.caseId, RUTH, { kind: 'action', what: `Did: ${words.text}`, informed: triageInvolved.text.slice(0, 400), when: null }, clock);
        expect(action.ok).toBe(true);
        // Triage: who is involved and the reasons for a change are free text too.
        const changedPeople = await applyCommand(models, school.id, opened.caseId, RUTH, { kind: 'people', subjects: ['pupil-003'], involved: `Also ${triageInvolved.text}`, reason: `Why: ${reason.text}` }, clock);
        expect(changedPeople.ok).toBe(true);
        const reclassified = await applyCommand(models, school.id, opened.caseId, RUTH, { kind: 'reclassify', severity: 'critical', category: 'content', reason: `Why: ${reason.text}` }, clock);
        expect(reclassified.ok).toBe(true);
        await applyCommand(models, school.id, opened.caseId, RUTH, { kind: 'close', outcomeCategory: 'other', outcome: `Closed. ${note.text}` }, clock);
        const outputs = await caseOutputs(models, school, opened.caseId, 'pupil-003', people);
        expect(outputs.chronologyHtml).toContain('In the child');
        for (const [name, output] of Object.entries(outputs)) {
          const seen = plain(output);
          for (const c of cores) expect(seen.includes(c), `${name} shows ${c}`).toBe(false);
          if (name !== 'card' && name !== 'dashboard') expect(seen, name).not.toMatch(/https?:\/\//i);
        }
        expect(JSON.parse(outputs.card ?? '').body).toBeDefined();
      }),
      { numRuns: 15, seed: 20_261_206 },
    );
  });

  it('the CLI export and the governors\' digest show none of them either', { timeout: 60_000 }, async () => {
    expect(allCores.length).toBeGreaterThan(15);
    const out: string[] = [];
    const run = (argv: string[]) => runCli(argv, { out: (l) => out.push(l), err: (l) => out.push(l), env: { MONGODB_URI: uri, LOG_LEVEL: 'silent' }, cwd: dir });
    expect(await run(['cases', 'export', '--log', '--as', RUTH.email])).toBe(0);
    expect(await run(['cases', 'export', '--chronology', 'pupil-003', '--as', RUTH.email])).toBe(0);
    const printed = path.join(dir, 'chronology.html');
    const last = await models.cases.findOne({ schoolId: school.id, doNotView: true }).sort({ openedAt: -1 }).lean();
    expect(await run(['cases', 'export', '--case', String(last?.number), '--html', '--as', RUTH.email, '--out', printed])).toBe(0);
    out.push(readFileSync(printed, 'utf8'));
    const now = new Date();
    const digest = renderDigest(await readDigestData(models, school, isoWeekAt(now, school.timezone), now), school.timezone);
    for (const [name, output] of Object.entries({ cli: out.join('\n'), digestHtml: digest.html, digestText: digest.text })) {
      const seen = plain(output);
      expect(output.length, name).toBeGreaterThan(100);
      for (const c of allCores) expect(seen.includes(c), `${name} shows ${c}`).toBe(false);
    }
  });
});
