import type { CaseState } from './state.js';
import { appendEntry, beforeOf, loadCase, TimelineConflict, writeCache, type CaseStores, type LoadedCase } from './store.js';
import { foldTimeline } from './state.js';
import type { Actor, TimelineEntry } from './timeline-model.js';
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
): Promise<ChangeResult> {
  for (let raced = 0; raced < MAX_RACES; raced++) {
    const loaded = await loadCase(stores, schoolId, caseId);
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
      await writeCache(stores, loaded.doc, state, entry.seq);
      return { ok: true, entry, loaded: { doc: { ...loaded.doc, ...state, version: entry.seq }, state, timeline, head: entry }, raced };
    } catch (err) {
      if (!(err instanceof TimelineConflict)) throw err;
    }
  }
  return { ok: false, reason: 'Several people are changing this case at once. Please try again.', loaded: await loadCase(stores, schoolId, caseId) };
}

/** Applies a DSL team member's command (acknowledge, assign, note, …) to a case. */
export async function applyCommand(stores: CaseStores, schoolId: string, caseId: string, actor: Actor, command: CaseCommand, clock: () => Date): Promise<ChangeResult> {
  return applyChange(
    stores,
    schoolId,
    caseId,
    actor,
    async (state, loaded) => {
      if (command.kind === 'link') {
        if (command.otherNumber === loaded.doc.number) return { ok: false, reason: 'A case cannot be linked to itself.' };
        const other = await stores.cases.exists({ schoolId, number: command.otherNumber });
        if (!other) return { ok: false, reason: `There is no case ${command.otherNumber} at your school.` };
      }
      return decide(state, command, actor, clock());
    },
    clock,
  );
}
