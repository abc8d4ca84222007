import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { academicYearIn, calendarOf, rolloverCron } from '../../src/agreements/academic-year.js';
import { issueCampaign } from '../../src/agreements/campaigns.js';
import { recordSignature } from '../../src/agreements/evidence.js';
import { agreementJobHandlers } from '../../src/agreements/jobs.js';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { signatureFor } from '../../src/agreements/state.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { demoFileConfig } from '../../src/config/demo.js';
import { loadConfig, type LanternConfig, type School } from '../../src/config/load.js';
import { FileConfigSchema } from '../../src/config/schema.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { demoDirectory } from '../../src/directory/demo-directory.js';
import { syncDirectory } from '../../src/directory/sync.js';
import { createLogger } from '../../src/log/logger.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { jobPortsFor } from '../support/teams.js';

const SCHOOL = 'ayschool';
// A school whose year starts on 15 August, in New York: the boundary is midnight there (04:00 UTC in summer).
const school = { id: SCHOOL, timezone: 'America/New_York', agreements: { academicYearStart: '08-15' } } as unknown as School;

function schoolConfig(academicYearStart: unknown) {
  const base = demoFileConfig();
  return FileConfigSchema.safeParse({ ...base, schools: [{ ...base.schools[0], agreements: { academicYearStart } }] });
}

describe('academic year start (config key schools[].agreements.academicYearStart)', () => {
  it('defaults to 1 September and accepts any real MM-DD', () => {
    const base = demoFileConfig();
    const parsed = FileConfigSchema.parse({ ...base, schools: [{ ...base.schools[0], agreements: {} }] });
    expect(parsed.schools[0]?.agreements?.academicYearStart).toBe('09-01');
    expect(schoolConfig('08-15').success).toBe(true);
    expect(calendarOf({ timezone: 'Europe/London' })).toEqual({ start: { month: 9, day: 1 }, timezone: 'Europe/London' });
  });

  it.each(['9-1', '13-01', '02-30', '02-29', '00-10', '04-31', 'September'])('refuses %s with a message that names the fix', (value) => {
    const result = schoolConfig(value);
    expect(result.success).toBe(false);
    const message = result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') ?? '';
    expect(message).toMatch(/agreements\.academicYearStart: .*MM-DD/);
  });

  it('switches year at midnight on the start date in the school time zone', () => {
    const calendar = calendarOf(school);
    // 23:59 on 14 August in New York (03:59 UTC on the 15th): still last year.
    expect(academicYearIn(new Date('2026-08-15T03:59:00Z'), calendar)).toBe('2025-26');
    expect(academicYearIn(new Date('2026-08-15T04:00:00Z'), calendar)).toBe('2026-27');
    // The default (1 September, London) would say otherwise on the same instants.
    expect(academicYearIn(new Date('2026-08-15T04:00:00Z'), calendarOf({ timezone: 'Europe/London' }))).toBe('2025-26');
    // London in summer: 1 September starts at 23:00 UTC on 31 August.
    expect(academicYearIn(new Date('2026-08-31T22:59:00Z'), calendarOf({ timezone: 'Europe/London' }))).toBe('2025-26');
    expect(academicYearIn(new Date('2026-08-31T23:00:00Z'), calendarOf({ timezone: 'Europe/London' }))).toBe('2026-27');
    expect(rolloverCron(school)).toBe('0 6 15 8 *');
    expect(rolloverCron({ timezone: 'Europe/London' })).toBe('0 6 1 9 *');
  });
});

describe('the roll-over job and "this academic year" with a non-default start', () => {
  let conn: Connection;
  let models: Models;
  let now = new Date('2026-03-02T10:00:00Z');
  let rollover: (at: Date) => Promise<unknown>;
  const calendar = calendarOf(school);

  beforeAll(async () => {
    conn = await connectTestDatabase('ay');
    models = createModels(conn);
    await ensureIndexes(models);
    await syncDirectory(models.people, SCHOOL, demoDirectory());
    // The job is built as start-up builds it: the school's calendar comes from this config and nowhere else.
    const demo = loadConfig({ env: { LOG_LEVEL: 'silent' } });
    const config = { ...demo, schools: [{ ...demo.schools[0], ...school }] } as LanternConfig;
    const deps = { config, models, logger: createLogger({ level: 'silent' }), clock: () => now };
    const handlers = agreementJobHandlers({ ...deps, ...jobPortsFor(config, models) });
    rollover = async (at) => {
      now = at;
      return handlers['agreements.rollover']({ id: 'rollover', name: 'agreements.rollover', key: `rollover:${at.toISOString()}`, schoolId: SCHOOL, data: { schoolId: SCHOOL }, attempt: 1 });
    };
  });
  afterAll(async () => dropTestDatabase(conn));

  it('re-issues yearly agreements from the configured date, and last year\'s signatures stop counting then', async () => {
    const march = new Date('2026-03-02T10:00:00Z');
    const { version } = await publishVersion(models, findTemplate(loadPolicyLibrary(), 'staff-aua'), { schoolId: SCHOOL, by: 'test', clock: () => march });
    expect(version.yearly).toBe(true);
    await issueCampaign(models, { schoolId: SCHOOL, version, dueAt: new Date('2026-03-16T17:00:00Z'), reminderDays: [3, 7], escalateTo: 'r.okafor@northgate.example', createdBy: 'test', reason: 'spring', key: 'spring' }, march);
    const { record } = await recordSignature(models, { schoolId: SCHOOL, versionId: version._id, signerId: 'staff-005', channel: 'teams' }, calendar, () => new Date('2026-03-03T09:00:00Z'));
    expect(record.period).toBe('2025-26');

    const lastMinute = new Date('2026-08-15T03:59:00Z');
    expect(academicYearIn(lastMinute, calendar)).toBe('2025-26');
    expect(await rollover(lastMinute)).toEqual({ reissued: [] });
    expect(await signatureFor(models, version, 'staff-005', lastMinute, calendar)).not.toBeNull();

    const sixAm = new Date('2026-08-15T10:00:00Z');
    const { reissued } = (await rollover(sixAm)) as { reissued: string[] };
    expect(reissued).toEqual([`${SCHOOL}:staff-aua:v1:year-2026-27`]);
    const fresh = await models.agreementCampaigns.findById(reissued[0]).lean();
    expect(fresh).toMatchObject({ status: 'open', reminderDays: [3, 7], escalateTo: 'r.okafor@northgate.example' });
    expect(await models.agreementCampaigns.findById(`${SCHOOL}:staff-aua:v1:spring`).lean()).toMatchObject({ status: 'closed' });
    expect(await signatureFor(models, version, 'staff-005', sixAm, calendar)).toBeNull();
    // Running it again (a second instance, or the next day) re-issues nothing more.
    expect(await rollover(new Date('2026-08-16T10:00:00Z'))).toEqual({ reissued: [] });
    expect(await models.agreementCampaigns.countDocuments({ schoolId: SCHOOL, status: 'open' })).toBe(1);

    const again = await recordSignature(models, { schoolId: SCHOOL, versionId: version._id, signerId: 'staff-005', channel: 'teams' }, calendar, () => sixAm);
    expect(again).toMatchObject({ created: true, record: { period: '2026-27' } });
    expect(await signatureFor(models, version, 'staff-005', sixAm, calendar)).not.toBeNull();
  });
});
