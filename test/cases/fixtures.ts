import os from 'node:os';
import { loadConfig, type School } from '../../src/config/load.js';
import type { OpenCaseInput } from '../../src/cases/open.js';
import type { Actor } from '../../src/cases/timeline-model.js';

/** The demo school (Northgate Primary, prefix NGP). */
export function demoSchool(): School {
  const school = loadConfig({ env: {}, cwd: os.tmpdir() }).schools[0];
  if (!school) throw new Error('demo config has no school');
  return school;
}

export const RUTH: Actor = { email: 'r.okafor@northgate.example', name: 'Ruth Okafor' };
export const MARK: Actor = { email: 'm.hughes@northgate.example', name: 'Mark Hughes' };
export const ALEX: Actor = { email: 'a.wilber@northgate.example', name: 'Alex Wilber' };

/** A staff concern's case input with overrides. */
export function makeCaseInput(overrides: Partial<OpenCaseInput> = {}): OpenCaseInput {
  return {
    source: 'concern',
    severity: 'medium',
    category: 'contact',
    summary: 'A pupil said an adult they met in a game asked them to chat privately.',
    where: 'Kestrels classroom',
    subjects: ['pupil-001'],
    reporter: ALEX,
    by: ALEX,
    ...overrides,
  };
}

/** A clock that stands still until moved. */
export function fakeClock(start = new Date('2026-03-10T09:00:00Z')) {
  let now = start.getTime();
  const clock = () => new Date(now);
  clock.advance = (ms: number) => {
    now += ms;
  };
  return clock;
}

/**
 * The school with these detection families sent to the DSL at every severity (its config file's
 * `cases.routing`), for tests of DSL case cards built on pure IT-security detections, which otherwise go to IT.
 */
export function routedToDsl(school: School, families: readonly string[]): School {
  const routing = Object.fromEntries(families.map((f) => [f, { low: 'dsl', medium: 'dsl', high: 'dsl', critical: 'dsl' }]));
  return { ...school, cases: { ...(school.cases ?? {}), routing } as never };
}
