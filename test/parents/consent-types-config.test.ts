import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ErrorCode, isLanternError } from '../../src/errors.js';
import { consentTypesOf } from '../../src/parents/consent-types.js';
import { NORTHGATE_SCHOOL } from '../support/school-yaml.js';

function load(parents: string) {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'lantern-consent-types-')), 'lantern.config.yaml');
  writeFileSync(file, `schools:\n${NORTHGATE_SCHOOL}${parents}`);
  return loadConfig({ file, env: { LOG_LEVEL: 'silent' }, requireSecrets: false });
}

function problemsOf(parents: string): readonly string[] {
  try {
    load(parents);
  } catch (err) {
    if (isLanternError(err, ErrorCode.ConfigInvalid)) return err.details;
    throw err;
  }
  throw new Error('expected a config error');
}

describe('schools[].parents.consentTypes', () => {
  it('defaults to the two questions schools were always asked, with or without a parents section', () => {
    const standard = [
      { id: 'internet', label: 'Using the internet at school' },
      { id: 'photos', label: 'Photos on the school website' },
    ];
    const without = load('').schools[0];
    expect(without && consentTypesOf(without).map(({ id, label }) => ({ id, label }))).toEqual(standard);
    const withParents = load('    parents:\n      officeEmail: office@northgate.example\n').schools[0];
    expect(withParents?.parents?.consentTypes.map(({ id, label }) => ({ id, label }))).toEqual(standard);
    expect(withParents?.parents?.officeStaff).toEqual([]);
  });

  it('reads a school’s own types, in its order, with who each applies to', () => {
    const school = load(`    parents:
      officeStaff: [J.Pearce@northgate.example]
      consentTypes:
        - id: website-photos
          label: Photos on the school website
          description: We may put photos of class activities on our website, never with full names.
        - id: learning-journal
          label: The learning-journal app
          description: Staff add photos of your child's learning to the app you can see at home.
          appliesTo: { yearGroups: [N, R, 1] }
        - id: social-media
          label: Photos on the school's social media
          description: We may share photos of events on the school's social media pages.
          appliesTo: { keyStages: [KS2] }
`).schools[0];
    expect(school?.parents?.consentTypes.map((t) => t.id)).toEqual(['website-photos', 'learning-journal', 'social-media']);
    expect(school?.parents?.consentTypes[1]?.appliesTo).toEqual({ yearGroups: ['N', 'R', '1'] });
    expect(school?.parents?.officeStaff).toEqual(['j.pearce@northgate.example']);
  });

  it('names each bad field, its line and the fix', () => {
    const problems = problemsOf(`    parents:
      consentTypes:
        - id: Website Photos
          label: Photos
          description: We may put photos on the website.
        - id: video
          label: Video of school events
          description: We may film performances for families.
        - id: video
          label: Video again
          description: A second question with the same id.
          appliesTo: {}
        - id: agreement
          label: The agreement
          description: Clashes with the class agreement on the page.
          appliesTo: { keyStages: [KS9] }
          colour: blue
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^schools\[0\]\.parents\.consentTypes\[0\]\.id: must be 2–40 lower-case letters.*\(line 10\)$/),
        expect.stringMatching(/^schools\[0\]\.parents\.consentTypes\[2\]\.appliesTo: set yearGroups or keyStages.*\(line 19\)$/),
        expect.stringMatching(/^schools\[0\]\.parents\.consentTypes\[3\]\.id: is used by the consent page itself.*\(line 20\)$/),
        expect.stringMatching(/^schools\[0\]\.parents\.consentTypes\[3\]\.appliesTo\.keyStages\[0\]: must be one of EYFS, KS1, KS2/),
        expect.stringMatching(/^schools\[0\]\.parents\.consentTypes\[3\]: unknown key "colour"/),
      ]),
    );
    // A field that is wrong only with the others (a repeated id) is named too.
    const repeated = problemsOf(`    parents:
      consentTypes:
        - { id: video, label: Video of school events, description: We may film performances for families. }
        - { id: video, label: Video again, description: A second question with the same id. }
`);
    expect(repeated).toEqual([expect.stringMatching(/^schools\[0\]\.parents\.consentTypes\[1\]\.id: "video" is listed twice.*\(line 11\)$/)]);
    expect(problemsOf('    parents:\n      consentTypes: []\n')).toEqual([expect.stringMatching(/^schools\[0\]\.parents\.consentTypes: list at least one consent type/)]);
  });
});
