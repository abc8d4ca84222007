import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoFileConfig } from '../../src/config/demo.js';
import { loadConfig } from '../../src/config/load.js';
import { ErrorCode, isLanternError } from '../../src/errors.js';
import { addWeeks, formatIsoWeek, isoWeekAt, parseIsoWeek, reportedWeek, weekRange } from '../../src/digest/week.js';

describe('ISO weeks in Europe/London', () => {
  it('2026-W47 is Monday 16 to Sunday 22 November, midnight to midnight GMT', () => {
    const r = weekRange(parseIsoWeek('2026-W47'), 'Europe/London');
    expect(r).toMatchObject({ id: '2026-W47', label: '16 Nov 2026' });
    expect([r.start.toISOString(), r.end.toISOString()]).toEqual(['2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z']);
  });
  it('the week of the October clock change is 169 hours long, the March one 167', () => {
    const oct = weekRange(parseIsoWeek('2026-W43'), 'Europe/London');
    expect([oct.start.toISOString(), oct.end.toISOString()]).toEqual(['2026-10-18T23:00:00.000Z', '2026-10-26T00:00:00.000Z']);
    const mar = weekRange(parseIsoWeek('2026-W13'), 'Europe/London');
    expect([mar.start.toISOString(), mar.end.toISOString()]).toEqual(['2026-03-23T00:00:00.000Z', '2026-03-29T23:00:00.000Z']);
  });
  it('uses the local calendar near midnight and across years', () => {
    // 23:30 UTC on Sunday 28 June is 00:30 BST on Monday 29 June: the next week.
    expect(formatIsoWeek(isoWeekAt(new Date('2026-06-28T23:30:00Z'), 'Europe/London'))).toBe('2026-W27');
    expect(formatIsoWeek(reportedWeek(new Date('2027-01-04T07:00:00Z'), 'Europe/London'))).toBe('2026-W53');
    expect(formatIsoWeek(addWeeks({ year: 2026, week: 53 }, 1))).toBe('2027-W01');
  });
  it('refuses a malformed or impossible week', () => {
    for (const bad of ['2026-47', '2026-W54', '2025-W53', 'W47']) {
      expect(() => parseIsoWeek(bad)).toThrow(/ISO week/);
    }
  });
});

function configWith(digest: unknown, env: Record<string, string> = {}) {
  const file = demoFileConfig();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'digest-cfg-'));
  const target = path.join(dir, 'c.json');
  writeFileSync(target, JSON.stringify({ ...file, schools: [{ ...file.schools[0], digest }] }));
  return () => loadConfig({ file: target, env, cwd: dir });
}

describe('digest config', () => {
  it('fills defaults: Mondays 07:00 by Gmail', () => {
    expect(configWith({ recipients: ['chair@northgate.example'] })().schools[0]?.digest).toMatchObject({ enabled: true, day: 'monday', time: '07:00', transport: 'gmail' });
  });
  it('names the bad key and the fix', () => {
    let err: unknown;
    try {
      configWith({ time: '7am', transport: 'smtp', recipients: ['not-an-address'] })();
    } catch (e) {
      err = e;
    }
    expect(isLanternError(err, ErrorCode.ConfigInvalid)).toBe(true);
    const text = (err as Error).message;
    expect(text).toContain('must be a 24-hour time such as 07:30');
    expect(text).toContain('must be gmail (Gmail API) or graph');
    expect(text).toContain('must be an email address');
  });
  it('a key file env var naming a missing file is refused, naming the variable', () => {
    expect(configWith({}, { LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: '/nowhere/key.json' })).toThrow(/LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: names \/nowhere\/key.json/);
  });
});
