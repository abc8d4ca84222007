import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type School } from '../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { readDigestData, renderDigest } from '../../src/digest/assemble.js';
import { completionCells } from '../../src/digest/suppress.js';
import { addApprovedApp, removeApprovedApp } from '../../src/monitoring/changes.js';
import { appendChange } from '../../src/monitoring/store.js';
import type { DigestData } from '../../src/digest/types.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { forbiddenStrings, insertFixtures, NOW, WEEK } from './fixtures.js';

let empty: Connection;
let full: Connection;
let school: School;
let withData: DigestData;
let without: DigestData;

beforeAll(async () => {
  const demo = loadConfig({ env: {} }).schools[0] as School;
  // Microsoft configured but never scanned: its connector must show as a red "has not run" line.
  school = { ...demo, microsoft: { tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' } };
  empty = await connectTestDatabase('digest_empty');
  full = await connectTestDatabase('digest_full');
  const models: Models = createModels(full);
  await ensureIndexes(models);
  await insertFixtures(full, models);
  withData = await readDigestData(models, school, WEEK, NOW);
  without = await readDigestData(createModels(empty), demo, WEEK, NOW);
});
afterAll(async () => {
  await dropTestDatabase(empty);
  await dropTestDatabase(full);
});

describe('every section without data says so honestly', () => {
  it.each(['incidents', 'agreements', 'training', 'policies', 'monitoring', 'ruleChanges'] as const)('%s', (key) => {
    const section = without[key];
    expect(section.state).toBe('no-data');
    if (section.state === 'no-data') expect(section.reason.length).toBeGreaterThan(10);
  });
  it('the rendered digest lists what has no data yet', () => {
    const { text } = renderDigest(without, 'Europe/London');
    expect(text).toContain('No data yet for: incidents; monitoring health; filter checks; agreements signed; training records; training self-audit; policies due for review; rule and allowlist changes.');
  });
});

describe('sections with data', () => {
  it('incidents: counts for the week, 12-week trend and medians', () => {
    const s = withData.incidents;
    if (s.state !== 'ok') throw new Error(s.reason);
    expect(s.data.total).toBe(5);
    expect(s.data.byCategory).toEqual({ contact: 1, conduct: 3, security: 1 });
    expect(s.data.bySeverity).toEqual({ high: 1, medium: 2, low: 1, critical: 1 });
    expect(s.data.trend).toHaveLength(12);
    expect(s.data.trend.at(-1)).toMatchObject({ weekId: '2026-W47', label: '16 Nov', total: 5, highOrCritical: 2 });
    expect(s.data.trend.map((p) => p.total).reduce((a, b) => a + b)).toBe(7);
    // Acknowledged in the week after 1 h, 0.5 h, 2 h; closed after 24 h.
    expect(s.data.medianHoursToAcknowledge).toBe(1);
    expect(s.data.medianHoursToClose).toBe(24);
    expect(s.data.medianHoursToClose12).toBe(24);
    expect(s.data.openHighCritical.map((c) => [c.severity, c.ageDays])).toEqual([['high', 20], ['high', 5], ['critical', 2]]);
  });
  it('agreements and training: completion by audience', () => {
    if (withData.agreements.state !== 'ok' || withData.training.state !== 'ok') throw new Error('expected data');
    expect(withData.agreements.data.rows).toEqual([
      { audience: 'Staff', aboutChildren: false, required: 15, done: 12 },
      { audience: 'Pupils — Year 3', aboutChildren: true, required: 10, done: 9 },
    ]);
    expect(withData.training.data.rows).toEqual([{ audience: 'Staff', aboutChildren: false, required: 15, done: 5 }]);
  });
  it('policies past review, monitoring health, rule changes, annual review', () => {
    expect(withData.policies).toMatchObject({ state: 'ok', data: { total: 3, overdue: [{ title: 'Staff acceptable use agreement', daysOverdue: 83 }] } });
    if (withData.monitoring.state !== 'ok') throw new Error('expected monitoring');
    expect(withData.monitoring.data.connectors.map((c) => [c.connector, c.state])).toEqual([
      ['Google Workspace: drive', 'ok'],
      ['Google Workspace: login', 'late'],
      ['Microsoft 365: all audit logs', 'never-run'],
    ]);
    expect(withData.monitoring.data.detections).toEqual({ total: 5, byFamily: { 'sharing.public_link': 2, 'email.external_forwarding': 3 } });
    expect(withData.ruleChanges).toEqual({ state: 'ok', data: { changes: [{ at: '2026-11-18T14:00:00.000Z', type: 'Trusted domain added', target: 'northshire-council.example' }] } });
    expect(withData.annualReview).toMatchObject({ state: 'ok', data: { overdue: false, dueBy: '2027-02-10T00:00:00.000Z' } });
  });
  it('an approved-app change shows its own label and the app, as the IT manager logged it', async () => {
    const other = { ...school, id: 'approved-apps' };
    const settings = { rules: {}, suppressions: [], trustedDomains: [] };
    const author = { who: 'it@northgate.example', why: 'Used for Year 9 coding', at: new Date('2026-11-17T09:00:00Z') };
    const models = createModels(full);
    await appendChange(models.monitoringChanges, null, other.id, addApprovedApp(settings, 'Scratch-Desktop', author).entry);
    await appendChange(models.monitoringChanges, null, other.id, removeApprovedApp(settings, 'old-quiz-app', { ...author, at: new Date('2026-11-18T09:00:00Z') }).entry);
    const data = await readDigestData(models, other, WEEK, NOW);
    expect(data.ruleChanges).toEqual({
      state: 'ok',
      data: {
        changes: [
          { at: '2026-11-17T09:00:00.000Z', type: 'App approved', target: 'scratch-desktop' },
          { at: '2026-11-18T09:00:00.000Z', type: 'App approval withdrawn', target: 'old-quiz-app' },
        ],
      },
    });
    expect(renderDigest(data, 'Europe/London').text).not.toContain('Other change');
  });
  it("record fingerprints: each chain's head at the week's end, and the line that checks them", () => {
    expect(withData.integrity.state).toBe('ok');
    if (withData.integrity.state !== 'ok') return;
    expect(withData.integrity.data.heads.map((h) => h.label)).toEqual(['case timelines', 'signature evidence', 'monitoring change log', "parents' consents"]);
    expect(withData.integrity.data.heads[0]!.fingerprint).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){4}$/);
    const { text } = renderDigest(withData, 'Europe/London');
    expect(text).toContain('RECORD FINGERPRINTS');
    expect(text).toContain(`lantern integrity verify --head ${withData.integrity.data.heads.map((h) => h.line).join(',')}`);
    expect(withData.integrity.data.heads[0]!.line).toContain(`/cases/${withData.week.end}/`);
  });

  it('an annual review older than 12 months is red', async () => {
    const old = await readDigestData(createModels(empty), { ...school, digest: { ...(school.digest as NonNullable<School['digest']>), annualReviewDate: '2025-11-01' } }, WEEK, NOW);
    expect(old.annualReview).toMatchObject({ state: 'ok', data: { overdue: true } });
    expect(renderDigest(old, 'Europe/London').text).toContain('Overdue: the last review was 2025-11-01');
  });
});

describe('privacy (D3)', () => {
  it('small counts read "fewer than 3" and totals stay exact', () => {
    const { text, view } = renderDigest(withData, 'Europe/London');
    const incidents = view.sections.find((s) => s.id === 'incidents');
    const category = incidents?.tables.find((t) => t.caption === 'By category');
    expect(category?.rows.map((r) => r.cells)).toEqual([['Contact', 'fewer than 3'], ['Conduct', '3'], ['Security', 'fewer than 3']]);
    expect(category?.total).toEqual(['Total', '5']);
    const agreements = view.sections.find((s) => s.id === 'agreements')?.tables[0];
    expect(agreements?.rows[1]?.cells).toEqual(['Pupils — Year 3', '10', 'all but fewer than 3', 'fewer than 3', '80% or more']);
    expect(agreements?.rows[0]?.cells).toEqual(['Staff', '15', '12', '3', '80%']);
    expect(text).toContain('fewer than 3');
  });
  it('completion cells hide both parts of a small child row', () => {
    expect(completionCells(10, 1, true)).toMatchObject({ done: 'fewer than 3', outstanding: 'all but fewer than 3', percent: '20% or less' });
    expect(completionCells(10, 5, true)).toMatchObject({ done: '5', outstanding: '5', percent: '50%', suppressed: false });
    expect(completionCells(2, 1, false)).toMatchObject({ done: '1', outstanding: '1' });
  });
  it('no pupil name, email address or file title appears in the subject, HTML, text or image alt text', () => {
    const { subject, html, text, images } = renderDigest(withData, 'Europe/London');
    const all = [subject, html, text, ...images.map((i) => i.alt)].join('\n');
    for (const s of forbiddenStrings()) expect(all).not.toContain(s);
    expect(all).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.-]+/);
    expect(all).not.toContain('Adebayo');
  });
});
