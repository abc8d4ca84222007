import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { changeRuleSetting } from '../../src/monitoring/changes.js';
import { at, makeDriveEvent, PUPIL, repeat } from '../../src/monitoring/rules/fixtures.js';
import { dataMassDownloadGoogle } from '../../src/monitoring/rules/data-mass-download-google.js';
import { sharingExternalUserGoogle } from '../../src/monitoring/rules/sharing-external-user-google.js';
import { appendChange, createDetectionStore, defaultDetectionKey, loadActiveSuppressions } from '../../src/monitoring/store.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { runRecords } from './helpers.js';

let conn: Connection;
let models: Models;

beforeAll(async () => {
  conn = await connectTestDatabase('monitoring');
  models = createModels(conn);
  await ensureIndexes(models);
});
afterAll(async () => dropTestDatabase(conn));

const share = (over: Record<string, unknown>) => makeDriveEvent('change_user_access', { target_user: 'x@gmail.com', new_value: ['can_view'], doc_id: 'doc-store' }, over);
const keyed = (records: unknown[], rules = [sharingExternalUserGoogle]) => runRecords(records, { rules }).raw.map((d) => ({ key: defaultDetectionKey(d), detection: d }));

describe('detection store', () => {
  it('folds repeats into one stored detection and stores nothing twice, however often a batch is replayed', async () => {
    const store = createDetectionStore(models);
    const batch = keyed([share({ time: at(0) }), share({ time: at(60), actor: PUPIL }), share({ time: at(120) })]);
    expect(await store.store('northgate', batch)).toEqual({ stored: 3, created: 2, duplicates: 0 });
    expect(await store.store('northgate', batch)).toEqual({ stored: 0, created: 0, duplicates: 3 });
    expect(await store.store('northgate', batch.slice(1))).toEqual({ stored: 0, created: 0, duplicates: 2 });
    const docs = await models.detections.find({ schoolId: 'northgate', ruleId: 'sharing.external_user.google' }).lean();
    // The pupil's share has its own fold key (another actor); the staff member's two shares fold.
    expect(docs.map((d) => d.count).sort()).toEqual([1, 2]);
    const staff = docs.find((d) => d.count === 2)!;
    expect(staff.eventIds).toHaveLength(2);
    expect(staff.lastSeen!.getTime() - staff.firstSeen!.getTime()).toBe(120_000);
    expect(JSON.stringify(docs)).not.toMatch(/Lesson plan/);
  });

  it('recovers from a crash between claiming an event and updating the detection', async () => {
    const store = createDetectionStore(models);
    const [item] = keyed([share({ time: at(5000), actor: 'crash@northgate.example' })]);
    await models.detectionEvents.create({ _id: `riverside|${item!.key}`, schoolId: 'riverside', detectionId: `riverside|${item!.detection.foldKey}|${Math.floor(item!.detection.firstSeen / 86_400_000)}`, count: 1, eventIds: item!.detection.eventIds, at: new Date(item!.detection.firstSeen) });
    // The crash left the event without its detection: the replay writes the detection, counting it once.
    expect(await store.store('riverside', [item!])).toEqual({ stored: 0, created: 1, duplicates: 1 });
    const doc = await models.detections.findOne({ schoolId: 'riverside' }).lean();
    expect(doc?.count).toBe(1);
  });

  it('keeps the count of a threshold burst and only ever raises severity', async () => {
    const store = createDetectionStore(models);
    const burst = keyed(repeat(60, (i) => makeDriveEvent('download', { doc_id: `d${i}` }, { time: at(10_000 + i * 5) })), [dataMassDownloadGoogle]);
    expect(burst).toHaveLength(11);
    await store.store('burst', burst);
    const doc = await models.detections.findOne({ schoolId: 'burst' }).lean();
    expect(doc?.count).toBe(60);
    expect(doc?.eventIds).toHaveLength(60);
    expect(doc?.severity).toBe('medium');
  });
});

describe('suppressions and the change log', () => {
  it('loads only active suppressions', async () => {
    const base = { schoolId: 'northgate', reason: 'Tutoring partner', createdBy: 'r.okafor@northgate.example', domain: 'learnfast.example.com' };
    await models.suppressions.create({ ...base, suppressionId: 's1', expiresAt: new Date('2099-01-01') });
    await models.suppressions.create({ ...base, suppressionId: 's2', expiresAt: new Date('2000-01-01') });
    await models.suppressions.create({ ...base, suppressionId: 's3', expiresAt: new Date('2099-01-01'), removedAt: new Date() });
    const active = await loadActiveSuppressions(models.suppressions, 'northgate', new Date());
    expect(active.map((s) => s.id)).toEqual(['s1']);
    expect(active[0]).toMatchObject({ domain: 'learnfast.example.com', reason: 'Tutoring partner' });
  });

  it('appends changes in sequence and refuses edits', async () => {
    const settings = { rules: {}, suppressions: [], trustedDomains: [] };
    const a = changeRuleSetting(settings, 'data.mass_download.google', { threshold: 80 }, { who: 'r.okafor@northgate.example', why: 'Exam week' });
    const b = changeRuleSetting(a.settings, 'data.mass_download.google', null, { who: 'r.okafor@northgate.example', why: 'Exams over' });
    expect(await appendChange(models.monitoringChanges, null, 'northgate', a.entry)).toBe(1);
    expect(await appendChange(models.monitoringChanges, null, 'northgate', b.entry)).toBe(2);
    const log = await models.monitoringChanges.find({ schoolId: 'northgate' }).sort({ seq: 1 }).lean();
    expect(log.map((e) => e.why)).toEqual(['Exam week', 'Exams over']);
    await expect(models.monitoringChanges.updateOne({ schoolId: 'northgate', seq: 1 }, { $set: { why: 'edited' } })).rejects.toThrow(/append-only/);
    await expect(models.monitoringChanges.deleteMany({ schoolId: 'northgate' })).rejects.toThrow(/append-only/);
  });
});
