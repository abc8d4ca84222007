import { describe, expect, it } from 'vitest';
import { addSuppression, addTrustedDomain, changeRuleSetting, describeChange, removeSuppression, type MonitoringSettings } from '../../src/monitoring/changes.js';
import { CounterState, createMemoryCounters } from '../../src/monitoring/counters.js';
import { normaliseRecord, recordTime } from '../../src/monitoring/records/normalise.js';
import { at, makeDriveEvent, makeGoogleEvent, makeO365, makeSignIn, PUPIL, repeat, STAFF } from '../../src/monitoring/rules/fixtures.js';
import { accountPrivilegeGrantGoogle } from '../../src/monitoring/rules/account-privilege-grant-google.js';
import { dataMassDownloadGoogle } from '../../src/monitoring/rules/data-mass-download-google.js';
import { sharingExternalUserGoogle } from '../../src/monitoring/rules/sharing-external-user-google.js';
import { raiseSeverity, severityFor } from '../../src/monitoring/severity.js';
import { findSuppression, parseSuppressions } from '../../src/monitoring/suppressions.js';
import { runRecords } from './helpers.js';

const share = (overrides: Record<string, unknown> = {}, values: Record<string, string | string[]> = {}) =>
  makeDriveEvent('change_user_access', { target_user: 'tutor@learnfast.example.com', new_value: ['can_view'], doc_id: 'doc-1', ...values }, overrides);

describe('severity', () => {
  it('raises one step when a pupil acts, is the target, or pupil data is involved', () => {
    expect(raiseSeverity('low')).toBe('medium');
    expect(raiseSeverity('critical')).toBe('critical');
    expect(severityFor('medium', { pupilActor: false, pupilTarget: false, pupilData: false })).toBe('medium');
    expect(severityFor('medium', { pupilActor: true, pupilTarget: false, pupilData: false })).toBe('high');
    expect(severityFor('high', { pupilActor: false, pupilTarget: true, pupilData: true })).toBe('critical');
  });

  it('applies to detections: staff share medium; pupil share high; pupil data high; pupil recipient high', () => {
    const run = (record: unknown) => runRecords([record], { rules: [sharingExternalUserGoogle] }).detections[0];
    expect(run(share())?.severity).toBe('medium');
    expect(run(share({ actor: PUPIL }))?.severity).toBe('high');
    const titled = run(share({}, { doc_title: 'Year 4 class list' }));
    expect(titled?.severity).toBe('high');
    expect(titled?.looksLikePupilData).toBe(true);
    expect(JSON.stringify(titled)).not.toContain('class list');
  });

  it('a pupil sharing with a personal address is a contact risk; with an organisation, conduct', () => {
    const run = (target: string) => runRecords([share({ actor: PUPIL }, { target_user: target })], { rules: [sharingExternalUserGoogle] }).detections[0];
    expect(run('stranger@gmail.com')?.category).toBe('contact');
    expect(run('tutor@learnfast.example.com')?.category).toBe('conduct');
  });
});

describe('folding', () => {
  it('folds repeats for the same object within the window into one detection with a count', () => {
    const records = [share({ time: at(0) }), share({ time: at(600) }), share({ time: at(3600) })];
    const { detections } = runRecords(records, { rules: [sharingExternalUserGoogle] });
    expect(detections).toHaveLength(1);
    expect(detections[0]?.count).toBe(3);
    expect(detections[0]?.eventIds).toHaveLength(3);
    const d = detections[0]!;
    expect(d.lastSeen - d.firstSeen).toBe(3600_000);
  });

  it('starts a new detection outside the window, and for another object', () => {
    const records = [share({ time: at(0) }), share({ time: at(2 * 86400) }), share({ time: at(10) }, { doc_id: 'doc-2' })];
    expect(runRecords(records, { rules: [sharingExternalUserGoogle] }).detections).toHaveLength(3);
  });

  it('counts the same record read twice once', () => {
    const record = share();
    const { detections } = runRecords([record, record], { rules: [sharingExternalUserGoogle] });
    expect(detections).toHaveLength(1);
    expect(detections[0]?.count).toBe(1);
  });

  it('never folds an admin role given to a member of staff into the same role given to a pupil', () => {
    const grant = (user: string, time: string) => makeGoogleEvent('admin', 'ASSIGN_ROLE', { ROLE_NAME: 'Help Desk Admin', USER_EMAIL: user }, { actor: 'it.admin@northgate.example', type: 'DELEGATED_ADMIN_SETTINGS', time });
    const { detections } = runRecords([grant(PUPIL, at(0)), grant(STAFF, at(600)), grant(STAFF, at(900))], { rules: [accountPrivilegeGrantGoogle] });
    expect(detections).toHaveLength(2);
    expect(detections.map((d) => [d.target, d.pupilInvolved, d.count])).toEqual([[PUPIL, true, 1], [STAFF, false, 2]]);
  });

  it('takes the strongest severity of the repeats', () => {
    const { detections } = runRecords([share({ time: at(0) }), share({ time: at(5) }, { doc_title: 'SEN register' })], { rules: [sharingExternalUserGoogle] });
    expect(detections).toHaveLength(1);
    expect(detections[0]?.severity).toBe('high');
    expect(detections[0]?.looksLikePupilData).toBe(true);
  });
});

describe('threshold rules', () => {
  const downloads = (n: number, spacing: number, actor = STAFF) => repeat(n, (i) => makeDriveEvent('download', { doc_id: `d${i}` }, { time: at(i * spacing), actor }));

  it('fire at 50 downloads by one actor in 10 minutes and fold the rest of the burst', () => {
    const { detections, raw } = runRecords(downloads(80, 5), { rules: [dataMassDownloadGoogle] });
    expect(raw[0]?.count).toBe(50);
    expect(detections).toHaveLength(1);
    expect(detections[0]?.count).toBe(80);
    expect(detections[0]?.eventIds.length).toBe(80);
  });

  it('count actors separately and respect the window', () => {
    const mixed = [...downloads(30, 5), ...downloads(30, 5, PUPIL)];
    expect(runRecords(mixed, { rules: [dataMassDownloadGoogle] }).detections).toEqual([]);
    expect(runRecords(downloads(50, 13), { rules: [dataMassDownloadGoogle] }).detections).toEqual([]);
  });

  it('work on newest-first input (the Reports API order)', () => {
    expect(runRecords(downloads(50, 5).reverse(), { rules: [dataMassDownloadGoogle] }).detections).toHaveLength(1);
  });

  it('take thresholds from settings (data, not code)', () => {
    const settings = { 'data.mass_download.google': { threshold: 10, windowMinutes: 1 } };
    expect(runRecords(downloads(10, 5), { rules: [dataMassDownloadGoogle], settings }).detections).toHaveLength(1);
    expect(runRecords(downloads(10, 7), { rules: [dataMassDownloadGoogle], settings }).detections).toEqual([]);
  });

  it('counters snapshot and restore, so a connector can persist them between runs', () => {
    const counters = createMemoryCounters();
    for (let i = 0; i < 30; i++) counters.add('k', i * 1000, `e${i}`, 600_000, 50);
    const restored = createMemoryCounters(JSON.parse(JSON.stringify(counters.snapshot())));
    let state: number = CounterState.Below;
    for (let i = 30; i < 50; i++) state = restored.add('k', i * 1000, `e${i}`, 600_000, 50);
    expect(state).toBe(CounterState.Crossed);
    expect(restored.eventIds('k')).toHaveLength(50);
    expect(restored.add('k', 49_000, 'e49', 600_000, 50)).toBe(CounterState.Above);
    expect(restored.span('k')).toEqual([0, 49_000]);
    expect(restored.add('k', 50_000, 'e50', 600_000, 50)).toBe(CounterState.Above);
  });
});

describe('suppressions', () => {
  const base = { reason: 'Approved tutoring partner', createdBy: 'r.okafor@northgate.example', expiresAt: '2026-12-31T00:00:00Z' };

  it('silence matching detections until they expire', () => {
    const { suppressions } = parseSuppressions([{ ...base, ruleId: 'sharing.external_user.google', domain: 'learnfast.example.com' }]);
    const before = runRecords([share()], { rules: [sharingExternalUserGoogle], suppressions, now: () => Date.parse('2026-06-01T00:00:00Z') });
    expect(before.detections).toEqual([]);
    expect(before.suppressed).toHaveLength(1);
    const after = runRecords([share()], { rules: [sharingExternalUserGoogle], suppressions, now: () => Date.parse('2027-01-01T00:00:00Z') });
    expect(after.detections).toHaveLength(1);
  });

  it('match on every field they set: rule, family, actor, object, domain', () => {
    const { detections } = runRecords([share()], { rules: [sharingExternalUserGoogle] });
    const d = detections[0]!;
    const now = Date.parse('2026-01-01T00:00:00Z');
    const check = (s: Record<string, unknown>) => findSuppression(d, parseSuppressions([{ ...base, ...s }]).suppressions, now) !== undefined;
    expect(check({ family: 'sharing.external_user' })).toBe(true);
    expect(check({ actor: STAFF })).toBe(true);
    expect(check({ actor: PUPIL })).toBe(false);
    expect(check({ objectId: 'doc-1' })).toBe(true);
    expect(check({ objectId: 'doc-1', actor: PUPIL })).toBe(false);
    expect(check({ domain: 'example.com' })).toBe(true);
    expect(check({ domain: 'learnfast.example' })).toBe(false);
    expect(check({ ruleId: 'sharing.public_link.google' })).toBe(false);
  });

  it('need a reason, who, an expiry and at least one matcher', () => {
    const { problems } = parseSuppressions([{ reason: 'x', createdBy: '', expiresAt: 'next week' }, { ...base }]);
    expect(problems.join('\n')).toMatch(/say why/);
    expect(problems.join('\n')).toMatch(/name who/);
    expect(problems.join('\n')).toMatch(/ISO date-time/);
    expect(problems.join('\n')).toMatch(/must not silence everything/);
  });
});

describe('change log', () => {
  const settings: MonitoringSettings = { rules: {}, suppressions: [], trustedDomains: [] };
  const author = { who: 'r.okafor@northgate.example', why: 'Exam week: bulk downloads of papers are expected', at: new Date('2026-05-11T08:00:00Z') };

  it('records who, why and what for every setting, suppression and allowlist change', () => {
    const a = changeRuleSetting(settings, 'data.mass_download.google', { threshold: 80 }, author);
    expect(a.settings.rules['data.mass_download.google']).toEqual({ threshold: 80 });
    expect(a.entry).toMatchObject({ who: author.who, why: author.why, at: '2026-05-11T08:00:00.000Z', what: { type: 'rule.setting', before: null, after: { threshold: 80 } } });
    expect(describeChange(a.entry)).toContain('data.mass_download.google');
    const { suppressions } = parseSuppressions([{ id: 's1', family: 'sharing.external_user', domain: 'learnfast.example.com', reason: 'Tutoring partner', createdBy: author.who, expiresAt: '2026-08-01T00:00:00Z' }]);
    const b = addSuppression(a.settings, suppressions[0]!, author);
    expect(b.settings.suppressions).toHaveLength(1);
    const c = removeSuppression(b.settings, 's1', { ...author, why: 'Contract ended' });
    expect(c.settings.suppressions).toHaveLength(0);
    expect(c.entry.what).toMatchObject({ type: 'suppression.remove', suppression: { id: 's1' } });
    const d = addTrustedDomain(c.settings, 'Northshire-Council.gov.uk', author);
    expect(d.settings.trustedDomains).toEqual(['northshire-council.gov.uk']);
    expect(settings.rules).toEqual({});
  });

  it('refuses a change without who or why', () => {
    expect(() => changeRuleSetting(settings, 'x', null, { who: '', why: 'because' })).toThrow(/who made it/);
    expect(() => changeRuleSetting(settings, 'x', null, { who: 'a', why: ' ' })).toThrow(/reason/);
    expect(() => removeSuppression(settings, 'nope', author)).toThrow(/no suppression "nope"/);
  });
});

describe('record normalisation', () => {
  it('recognises each native shape', () => {
    expect(normaliseRecord(makeGoogleEvent('drive', 'view'))).toMatchObject({ ok: true, record: { kind: 'google.reports.activity', application: 'drive' } });
    expect(normaliseRecord(makeO365('FileDownloaded'))).toMatchObject({ ok: true, record: { kind: 'o365.management.activity', operation: 'FileDownloaded' } });
    expect(normaliseRecord(makeSignIn())).toMatchObject({ ok: true, record: { kind: 'graph.signIn' } });
  });

  it('names the broken field of a known shape, and the keys of an unknown one', () => {
    const bad = makeGoogleEvent('drive', 'view');
    (bad.id as Record<string, unknown>).uniqueQualifier = { nested: true };
    expect(normaliseRecord(bad)).toMatchObject({ ok: false, problem: { code: 'malformed', message: expect.stringMatching(/id.uniqueQualifier is an object, expected a string/) } });
    expect(normaliseRecord({ hello: 'world' })).toMatchObject({ ok: false, problem: { code: 'unknown_kind', message: expect.stringMatching(/keys: hello/) } });
    expect(normaliseRecord(42)).toMatchObject({ ok: false, problem: { code: 'unknown_kind' } });
  });

  it('reads Management API times without a zone as UTC', () => {
    const r = normaliseRecord(makeO365('FileDownloaded', { CreationTime: '2022-12-12T15:57:57' }));
    expect(r.ok && new Date(recordTime(r.record)).toISOString()).toBe('2022-12-12T15:57:57.000Z');
    const g = normaliseRecord(makeGoogleEvent('drive', 'view', {}, { time: '2022-12-12T15:57:57.123+01:00' }));
    expect(g.ok && new Date(recordTime(g.record)).toISOString()).toBe('2022-12-12T14:57:57.123Z');
  });
});
