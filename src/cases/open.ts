import { randomUUID } from 'node:crypto';
import type { School } from '../config/load.js';
import { ErrorCode, LanternError } from '../errors.js';
import { CATEGORIES, SEVERITIES, type Category, type CaseSource, type Severity } from './case-model.js';
import { doNotViewSeverity } from './do-not-view.js';
import { allocateCaseNumber } from './numbering.js';
import { retentionFor } from './retention.js';
import { subjectDatesOfBirth } from './subjects.js';
import { caseSettings } from './settings.js';
import { foldTimeline, pickState, type BreachHow, type CaseState, type LinkedDetection } from './state.js';
import { listingOf, postToBoard } from './board.js';
import { appendEntry, type CaseStores } from './store.js';
import type { Actor } from './timeline-model.js';
import { MAX_TEXT } from './transitions.js';
import { retryBusy } from '../db/errors.js';

/** What a new case starts with. */
export interface OpenCaseInput {
  source: CaseSource;
  severity: Severity;
  category: Category;
  /** Plain-English summary; never a message body or file content. */
  summary: string;
  where?: string;
  /** Other people involved, named by the reporter (free text). */
  involved?: string;
  happenedAt?: Date | null;
  /** The day is known but not the time: `happenedAt` is that day at midnight UTC. */
  happenedTimeUnknown?: boolean;
  /** What the child said, in their own words (kept apart from the reporter's account). */
  childWords?: string;
  /** Directory personIds of the pupils (or staff) the case is about. */
  subjects?: string[];
  reporter?: Actor | null;
  /** Who opened it: the reporter, a DSL member, or Lantern for detections. */
  by: Actor;
  doNotView?: boolean;
  dpoDeadline?: Date | null;
  /** How the breach clock started, when `dpoDeadline` is set. */
  breachHow?: BreachHow | null;
  detections?: LinkedDetection[];
  objectKeys?: string[];
  /** The IT matter (its number) this case is sent over from. */
  itMatter?: string | null;
}

/** A newly opened case. */
export interface OpenedCase {
  caseId: string;
  number: string;
  state: CaseState;
}

function checkInput(input: OpenCaseInput): void {
  const problems: string[] = [];
  if (!SEVERITIES.includes(input.severity)) problems.push(`severity must be one of ${SEVERITIES.join(', ')}`);
  if (!CATEGORIES.includes(input.category)) problems.push(`category must be one of ${CATEGORIES.join(', ')}`);
  if (!input.summary.trim()) problems.push('say what happened');
  if (input.summary.length > MAX_TEXT) problems.push(`keep what happened under ${MAX_TEXT} characters`);
  if ((input.where ?? '').length > 500) problems.push('keep "where" under 500 characters');
  if ((input.involved ?? '').length > 500) problems.push('keep "other people involved" under 500 characters');
  if ((input.childWords ?? '').length > MAX_TEXT) problems.push(`keep the child's words under ${MAX_TEXT} characters`);
  if (problems.length > 0) throw new LanternError(ErrorCode.CaseInputInvalid, `The case could not be opened: ${problems.join('; ')}.`, { details: problems });
}

/**
 * Opens a case: allocates its number, dates its retention from the pupils' dates of birth when the directory has them, writes the case document, then the timeline's opening entry
 * (which holds every initial field, so the case can be rebuilt from the timeline alone).
 */
export async function openCase(stores: CaseStores, school: School, input: OpenCaseInput, now: Date): Promise<OpenedCase> {
  checkInput(input);
  const caseId = randomUUID();
  const number = await allocateCaseNumber(stores, school, caseId, now);
  const datesOfBirth = await subjectDatesOfBirth(stores.people, school.id, input.subjects ?? []);
  const retention = retentionFor({ category: input.category, openedAt: now, datesOfBirth }, caseSettings(school));
  const after: Partial<CaseState> = {
    status: 'new',
    severity: doNotViewSeverity(input.severity, input.doNotView ?? false),
    category: input.category,
    source: input.source,
    summary: input.summary.trim(),
    where: (input.where ?? '').trim(),
    involved: input.involved?.trim() || null,
    happenedAt: input.happenedAt ?? null,
    ...(input.happenedAt && input.happenedTimeUnknown ? { happenedTimeUnknown: true } : {}),
    ...(input.childWords?.trim() ? { childWords: input.childWords.trim() } : {}),
    subjects: [...new Set(input.subjects ?? [])],
    reporter: input.reporter ?? null,
    doNotView: input.doNotView ?? false,
    dpoDeadline: input.dpoDeadline ?? null,
    ...(input.dpoDeadline ? { breachHow: input.breachHow ?? 'detection' } : {}),
    detections: input.detections ?? [],
    objectKeys: input.objectKeys ?? [],
    ...(input.itMatter ? { itMatter: input.itMatter } : {}),
    retentionUntil: retention.until,
    retentionBasis: retention.basis,
  };
  const entry = await appendEntry(stores, { caseId, schoolId: school.id, head: undefined, at: now, by: input.by, action: 'opened', before: {}, after, note: null, doNotView: after.doNotView ?? false });
  const state = foldTimeline([entry]);
  await retryBusy(() => stores.cases.create({ schoolId: school.id, caseId, number, openedAt: now, version: entry.seq, ...pickState(state as unknown as Record<string, unknown>) }));
  await postToBoard(stores, listingOf({ caseId, schoolId: school.id, number, openedAt: now }, state, entry.seq));
  return { caseId, number, state };
}
