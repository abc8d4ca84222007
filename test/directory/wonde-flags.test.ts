import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrJoinFromDetection, type DetectionInput } from '../../src/cases/detection.js';
import { exportChronology, exportIncidentLog } from '../../src/cases/export.js';
import { loadCase } from '../../src/cases/store.js';
import { loadConfig, type LanternConfig, type School } from '../../src/config/load.js';
import { subjectName } from '../../src/cases/case-view.js';
import { readDigestData, renderDigest } from '../../src/digest/assemble.js';
import { isoWeekAt } from '../../src/digest/week.js';
import type { Person } from '../../src/directory/person.js';
import { runDirectorySync } from '../../src/directory/run-sync.js';
import { createLogger } from '../../src/log/logger.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { channelCardData } from '../../src/teams/cases/card-data.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { teamsEdgeFor } from '../support/teams.js';
import { WondeStandIn } from '../support/wonde-stand-in.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-wonde-flags-'));
const at = new Date('2026-01-05T09:00:00Z');
const FLAG_WORDS = /looked.?after|child.?protection.?plan|\bSEN\b|vulnerab|in_lea_care|ever_in_care/i;
const DSL = { email: 'r.okafor@northgate.example', name: 'Ruth Okafor' };

describe('vulnerable-group flags from Wonde', () => {
  let wonde: WondeStandIn;
  let conn: Connection;
  let models: Models;
  let config: LanternConfig;
  let school: School;
  const logLines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: new Writable({ write: (chunk: Buffer, _enc, done) => void (logLines.push(chunk.toString()), done()) }) });
  let now = new Date('2026-03-10T09:00:00Z');
  const clock = () => now;
  const detection = (id: string, subjectIds: string[], severity: DetectionInput['severity']): DetectionInput => ({
    detectionId: id,
    ruleId: 'sharing-external-user-google',
    family: 'sharing.external_user',
    severity,
    category: 'conduct',
    summary: 'A pupil shared a file with an address outside the school.',
    at: now,
    subjectIds,
    objectId: `file-${id}`,
  });

  beforeAll(async () => {
    wonde = await new WondeStandIn().start();
    wonde.approved.add('A1930499544');
    wonde.contacts.push({ id: 'C-MUM', forename: 'Mary', surname: 'Pupil', email: 'mary@home.example', updatedAt: at });
    wonde.students.push(
      { id: 'S-AMY', forename: 'Amy', surname: 'Pupil', year: '3', registration: '3K', dateOfBirth: '2018-03-14', contacts: [{ contactId: 'C-MUM', relationship: 'Mother', parentalResponsibility: true, priority: 1 }], flags: { lookedAfter: true, childProtectionPlan: true }, updatedAt: at },
      { id: 'S-CAL', forename: 'Cal', surname: 'Pupil', year: '6', registration: '6W', dateOfBirth: '2015-07-01', contacts: [], updatedAt: at },
    );
    wonde.employees.push({ id: 'E-RUTH', forename: 'Ruth', surname: 'Okafor', email: DSL.email, roles: ['Designated Safeguarding Lead'], updatedAt: at });
    const file = path.join(dir, 'lantern.config.yaml');
    writeFileSync(
      file,
      `schools:
  - id: northgate
    name: Northgate Primary
    ownDomains: [northgate.example]
    dsl:
      members: [{ email: ${DSL.email}, role: dsl }]
      channel: { teamId: team-1, channelId: "19:dsl@thread.tacv2" }
    directory: { source: wonde, schoolId: A1930499544, vulnerableGroups: true, apiUrl: "${wonde.url}/v1.0" }
`,
    );
    config = loadConfig({ file, env: { LANTERN_WONDE_TOKEN_NORTHGATE: wonde.token }, cwd: dir });
    school = config.schools[0]!;
    conn = await connectTestDatabase('wondeflags');
    models = createModels(conn);
    await ensureIndexes(models);
    await runDirectorySync({ config, models, logger, clock }, school.id);
  });
  afterAll(async () => {
    await dropTestDatabase(conn);
    await wonde.stop();
  });

  it('stores the flags as booleans only, for the pupils who have one', async () => {
    expect(wonde.requests.find((r) => r.path.endsWith('/students'))?.query.get('include')?.split(',')).toContain('extended_details');
    const amy = await models.people.findOne({ personId: 'S-AMY' }).lean();
    expect(amy?.vulnerability).toEqual({ sen: false, lookedAfter: true, previouslyLookedAfter: false, childProtectionPlan: true });
    expect((await models.people.findOne({ personId: 'S-CAL' }).lean())?.vulnerability).toBeUndefined();
  });

  it("raises a detection about a flagged pupil a step, dates retention from the pupil's birth, and shows the flags to the DSL only", async () => {
    const deps = { stores: models, config, notifier: teamsEdgeFor(config, models, { logger, clock }).caseNotifier, log: logger, clock };
    // Low is below the default threshold (medium): about Cal nothing opens, about Amy it is raised to medium.
    expect(await openOrJoinFromDetection(deps, school, detection('d-cal', ['S-CAL'], 'low'))).toEqual({ outcome: 'below-threshold' });
    const opened = await openOrJoinFromDetection(deps, school, detection('d-amy', ['S-AMY'], 'low'));
    expect(opened).toMatchObject({ outcome: 'opened' });
    const caseId = 'caseId' in opened && opened.caseId ? opened.caseId : '';
    const loaded = (await loadCase(models, school.id, caseId))!;
    expect(loaded.state.severity).toBe('medium');
    expect(loaded.state.retentionUntil).toEqual(new Date('2043-03-14T00:00:00Z'));

    const people = await models.people.find({ schoolId: school.id }).lean<Person[]>();
    const card = channelCardData({ loaded, school, now, people });
    expect(card.who.raw).toBe('Amy Pupil (3K) — Looked after, Child protection plan');
    expect(subjectName('S-AMY', new Map(people.map((p) => [p.personId, p])))).toBe('Amy Pupil (3K) — Looked after, Child protection plan');

    // Nowhere else: the case record and its timeline, the exports, the governors' digest and the logs.
    expect(JSON.stringify(await models.cases.findOne({ caseId }).lean())).not.toMatch(FLAG_WORDS);
    expect(JSON.stringify(await models.caseTimeline.find({ caseId }).lean())).not.toMatch(FLAG_WORDS);
    expect((await exportIncidentLog(models, school, DSL, {}, now)).csv).not.toMatch(FLAG_WORDS);
    const chronology = await exportChronology(models, school, 'S-AMY', DSL, now);
    expect(chronology.cases).toBe(1);
    expect(chronology.csv).not.toMatch(FLAG_WORDS);
    now = new Date('2026-03-16T09:00:00Z');
    const digest = renderDigest(await readDigestData(models, school, isoWeekAt(new Date('2026-03-10T09:00:00Z'), school.timezone), now), school.timezone);
    expect(digest.html).not.toMatch(FLAG_WORDS);
    expect(digest.text).not.toMatch(FLAG_WORDS);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('')).not.toMatch(FLAG_WORDS);
  });
});
