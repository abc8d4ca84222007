import type { CaseState } from './state.js';
import { appendEntry, beforeOf, loadCase, TimelineConflict, writeCache, type CaseStores, type LoadedCase, type StoredCase } from './store.js';
import { foldTimeline } from './state.js';
import type { Actor, TimelineEntry } from './timeline-model.js';
import { finishRedaction } from './redact-later.js';
import { decide, type CaseCommand, type Decision, type Refusal } from './transitions.js';

// Past this many lost races in a row something is hammering one case; tell the person to try again.
const MAX_RACES = 8;

/** How an attempted change ended. */
export type ChangeResult =
  | { ok: true; entry: TimelineEntry; loaded: LoadedCase; raced: number }
  | { ok: false; reason: string; loaded: LoadedCase | undefined };

/**
 * Applies a change decided against the case's current timeline. When another writer appended first
 * (unique {caseId, seq}), the case is reloaded and `decideFn` asked again: a change still valid on the new
 * state is retried, one that no longer makes sense (a second "acknowledge") is refused with the reason.
 */
export async function applyChange(
  stores: CaseStores,
  schoolId: string,
  caseId: string,
  actor: Actor,
  decideFn: (state: CaseState, loaded: LoadedCase) => Decision | Refusal | Promise<Decision | Refusal>,
  clock: () => Date,
  known?: StoredCase,
): Promise<ChangeResult> {
  for (let raced = 0; raced < MAX_RACES; raced++) {
    // The caller's fresh read of the case document serves the first try; a lost race reads it again.
    const loaded = await loadCase(stores, schoolId, caseId, raced === 0 ? known : undefined);
    if (!loaded) return { ok: false, reason: 'Lantern cannot find this case for your school.', loaded: undefined };
    const decision = await decideFn(loaded.state, loaded);
    if (!decision.ok) return { ok: false, reason: decision.reason, loaded };
    const now = clock();
    try {
      const entry = await appendEntry(stores, {
        caseId,
        schoolId,
        head: loaded.head,
        at: now,
        by: actor,
        action: decision.action,
        before: beforeOf(loaded.state, decision.after),
        after: decision.after as Record<string, unknown>,
        note: decision.note,
        doNotView: loaded.state.doNotView,
      });
      const timeline = [...loaded.timeline, entry];
      const state = foldTimeline(timeline);
      await writeCache(stores, loaded.doc, state, entry.seq, loaded.state);
      const written = { doc: { ...loaded.doc, ...state, version: entry.seq }, state, timeline, head: entry };
      // A case that is (or just became) "do not view" keeps no earlier link, file name or item id either.
      return { ok: true, entry, loaded: state.doNotView ? await finishRedaction(stores, written, clock) : written, raced };
    } catch (err) {
      if (!(err instanceof TimelineConflict)) throw err;
    }
  }
  return { ok: false, reason: 'Several people are changing this case at once. Please try again.', loaded: await loadCase(stores, schoolId, caseId) };
}

/**
 * Applies a DSL team member's command (acknowledge, assign, note, …) to a case. A link is recorded on both
 * cases, each on its own timeline, so either case's record names the other. `known`: the case document the
 * caller has just read.
 */
export async function applyCommand(stores: CaseStores, schoolId: string, caseId: string, actor: Actor, command: CaseCommand, clock: () => Date, known?: StoredCase): Promise<ChangeResult> {
  let otherCaseId: string | undefined;
  const result = await applyChange(
    stores,
    schoolId,
    caseId,
    actor,
    async (state, loaded) => {
      if (command.kind === 'link') {
        if (command.otherNumber === loaded.doc.number) return { ok: false, reason: 'A case cannot be linked to itself.' };
        const other = await stores.cases.findOne({ schoolId, number: command.otherNumber }).select({ caseId: 1 }).lean<{ caseId: string }>();
        if (!other) return { ok: false, reason: `There is no case ${command.otherNumber} at your school.` };
        otherCaseId = other.caseId;
      }
      if (command.kind === 'people') {
        const unknown = await unknownPupils(stores, schoolId, command.subjects, state.subjects);
        if (unknown) return { ok: false, reason: unknown };
      }
      return decide(state, command, actor, clock());
    },
    clock,
    known,
  );
  if (result.ok && command.kind === 'link' && otherCaseId) {
    const number = result.loaded.doc.number;
    // The other side says "already linked" when someone linked it first: nothing more to record then.
    await applyChange(stores, schoolId, otherCaseId, actor, (state) => decide(state, { kind: 'link', otherNumber: number }, actor, clock()), clock);
  }
  return result;
}

/** Why some of the pupils named are not acceptable, or undefined: each must be a pupil of the school (or on the case already). */
async function unknownPupils(stores: CaseStores, schoolId: string, subjects: readonly string[], current: readonly string[]): Promise<string | undefined> {
  const added = [...new Set(subjects.filter((id) => !current.includes(id)))];
  if (added.length === 0) return undefined;
  const found = await stores.people.countDocuments({ schoolId, role: 'pupil', personId: { $in: added } });
  return found === added.length ? undefined : 'One of the pupils you named is not in the school directory.';
}
