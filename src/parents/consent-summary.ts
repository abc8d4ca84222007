import type { School } from '../config/load.js';
import type { Person } from '../directory/person.js';
import { AGREEMENT_KIND, type ConsentKind } from './consent-model.js';
import type { ConsentState } from './consents.js';
import { appliesToPupil, consentLabel, consentTypesOf } from './consent-types.js';

/** How many pupils stand where on one consent: counts only, never names. */
export interface ConsentTally {
  kind: ConsentKind;
  /** The configured label, or "<id> (no longer asked)" for a type removed from the config. */
  label: string;
  /** False for a type the school no longer asks: its stored answers are counted, missing ones are not. */
  asked: boolean;
  given: number;
  refused: number;
  withdrawn: number;
  noAnswer: number;
}

/**
 * Counts the current answers of these pupils: the class agreement, each configured consent type in the school's
 * order (a pupil the type does not apply to is not counted for it), then each type no longer asked that still has
 * stored answers.
 */
export function tallyConsents(school: Pick<School, 'parents'>, pupils: readonly Pick<Person, 'personId' | 'yearGroup'>[], stateOf: (pupilId: string) => ConsentState): ConsentTally[] {
  const types = consentTypesOf(school);
  const asked = new Set(types.map((t) => t.id));
  const retired = new Set<string>();
  for (const p of pupils) for (const kind of Object.keys(stateOf(p.personId))) if (kind !== AGREEMENT_KIND && !asked.has(kind)) retired.add(kind);
  const rows: { kind: string; asked: boolean; appliesTo: (p: Pick<Person, 'yearGroup'>) => boolean }[] = [
    { kind: AGREEMENT_KIND, asked: true, appliesTo: () => true },
    ...types.map((t) => ({ kind: t.id, asked: true, appliesTo: (p: Pick<Person, 'yearGroup'>) => appliesToPupil(t, p) })),
    ...[...retired].sort().map((kind) => ({ kind, asked: false, appliesTo: () => false })),
  ];
  return rows.map((row) => {
    const tally: ConsentTally = { kind: row.kind, label: consentLabel(school, row.kind), asked: row.asked, given: 0, refused: 0, withdrawn: 0, noAnswer: 0 };
    for (const p of pupils) {
      const decision = stateOf(p.personId)[row.kind]?.decision;
      if (decision === 'given') tally.given++;
      else if (decision === 'refused') tally.refused++;
      else if (decision === 'withdrawn') tally.withdrawn++;
      else if (row.appliesTo(p)) tally.noAnswer++;
    }
    return tally;
  });
}
