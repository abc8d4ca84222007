import type { LanternConfig, School } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import { applyChange } from './act.js';
import { CATEGORIES, SEVERITIES, type Category, type Severity } from './case-model.js';
import { scheduleEscalation } from './escalation-queue.js';
import { doNotViewSeverity, objectKeyHash } from './do-not-view.js';
import { openCase } from './open.js';
import { severityForVulnerable, vulnerableSubjects } from './subjects.js';
import { caseSettings } from './settings.js';
import type { LinkedDetection } from './state.js';
import type { CaseStores } from './store.js';
import { LANTERN_ACTOR } from './timeline-model.js';
import type { CaseNotifier } from './ports.js';
import { isDuplicateKey } from '../db/errors.js';
import { enqueueItMail } from './it-mail.js';
import { openOrJoinItMatter } from './it-matters.js';
import { DPO_CLOCK_MS } from './breach.js';
import { loadRoutes, routeDetection } from './routing.js';

export { DPO_CLOCK_MS } from './breach.js';

/** What the case capability needs from a detection to open or join a case (metadata only, never content). */
export interface DetectionInput {
  detectionId: string;
  ruleId: string;
  family: string;
  severity: Severity;
  category: Category;
  /** Plain English; never a file title, message subject or body. */
  summary: string;
  at: Date;
  /** Directory personIds of the pupils (or staff) involved. */
  subjectIds: string[];
  /** Opaque id of the item (a Drive file id, a mailbox): detections about the same item join one case. */
  objectId?: string;
  /** Email of whoever acted (for sharing: the owner), used to carry out a remediation as them. */
  actor?: string;
  /** SharePoint / OneDrive: the site and list holding `objectId` (a list-item id), for remediation through Graph. */
  location?: { siteUrl: string; listId: string };
  /** The counterparty (a forwarding address, a recipient), for remediation: what to stop forwarding to. */
  target?: string;
  /** The item may involve an indecent image of a child: the card shows "do not view" and no link. */
  mayInvolveIndecentImage?: boolean;
  /** Pupils' personal data was put in public view: a personal-data breach, so the 72-hour DPO clock starts. */
  personalDataBreach?: boolean;
  /** The monitoring engine saw a pupil as the actor or the target (even one not matched to a directory id). */
  pupilInvolved?: boolean;
  /** The item looks like it holds pupils' data. */
  pupilData?: boolean;
}

/** What routing detections into cases needs: the case stores and the notifier that shows new cards to the DSL team. */
export interface IntakeDeps {
  stores: CaseStores;
  config: LanternConfig;
  notifier: CaseNotifier;
  log: Logger;
  clock: () => Date;
}

/** What happened to a detection. */
export type IntakeOutcome =
  | { outcome: 'below-threshold' }
  | { outcome: 'already-handled'; caseId: string | null }
  | { outcome: 'opened' | 'joined'; caseId: string; number: string; channel: string }
  | { outcome: 'it-opened' | 'it-joined'; itMatterId: string; number: string; channel: string };

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/**
 * The keys later detections join by: the item and the people. An account-safety detection's objectId names a
 * role or an account setting, not an item (every Super Admin grant has the same one), so it joins by the
 * account it is about instead: a staff member's admin-role grant never joins a pupil's case.
 */
function keysOf(input: DetectionInput): string[] {
  const item = input.family.startsWith('account.')
    ? input.target ?? input.actor
      ? [`account:${input.family}:${(input.target ?? input.actor ?? '').toLowerCase()}`]
      : []
    : input.objectId
      ? [`object:${input.objectId}`]
      : [];
  return [...item, ...input.subjectIds.map((id) => `subject:${id}`)];
}

/**
 * Routes a detection: below the school's threshold (default medium) nothing happens; pure IT security (the
 * school's route table, see routing.ts) goes to the IT queue; otherwise it joins an open case about the
 * same object or subject opened within the join window, or opens a new one. Each detection is routed once
 * (a unique insert into case_intake), however often it is handed over.
 */
export async function openOrJoinFromDetection(deps: IntakeDeps, school: School, input: DetectionInput): Promise<IntakeOutcome> {
  const settings = caseSettings(school);
  if (!SEVERITIES.includes(input.severity) || !CATEGORIES.includes(input.category)) throw new Error(`Detection ${input.detectionId} has an unknown severity or category.`);
  // A pupil with a vulnerable-group flag raises the detection a step; the flag itself is not recorded on the case.
  if ((await vulnerableSubjects(deps.stores.people, school.id, input.subjectIds)).length > 0) input = { ...input, severity: severityForVulnerable(input.severity) };
  if (rank(input.severity) < rank(settings.openFromSeverity)) return { outcome: 'below-threshold' };
  const stores: CaseStores = deps.stores;
  const now = deps.clock();
  const fenceId = `${school.id}:${input.detectionId}`;
  try {
    await stores.caseIntake.create({ _id: fenceId, schoolId: school.id, at: now });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const fence = await stores.caseIntake.findById(fenceId).lean<{ caseId: string | null }>();
    return { outcome: 'already-handled', caseId: fence?.caseId ?? null };
  }
  // A school with no IT team configured has nowhere else to show IT matters: everything stays with the DSL.
  const route = school.it ? routeDetection(input, await loadRoutes(stores, school)) : { queue: 'dsl' as const };
  const linked: LinkedDetection = {
    detectionId: input.detectionId,
    ruleId: input.ruleId,
    family: input.family,
    at: input.at,
    ...(input.objectId ? { objectId: input.objectId } : {}),
    ...(input.actor ? { actor: input.actor } : {}),
    ...(input.target ? { target: input.target } : {}),
    ...(input.location ? { location: input.location } : {}),
  };
  const keys = keysOf(input);
  const since = new Date(now.getTime() - settings.joinWindowHours * 3_600_000);
  // A "do not view" case keeps only a hash of the item's id (see do-not-view.ts): look for either.
  const lookFor = [...keys, ...(input.objectId ? [objectKeyHash(input.objectId)] : [])];
  if (route.queue === 'it') {
    const it = await openOrJoinItMatter(stores, school, { family: input.family, severity: input.severity, category: input.category, summary: input.summary, detection: linked, keys }, now, since);
    const channel = await deps.notifier.publishItMatter(school, it.matterId).catch(() => 'failed');
    if (it.outcome === 'it-opened') await enqueueItMail(stores, school, it.matterId, now, deps.log);
    await stores.caseIntake.updateOne({ _id: fenceId }, { $set: { itMatterId: it.matterId, outcome: it.outcome } });
    return { outcome: it.outcome, itMatterId: it.matterId, number: it.number, channel };
  }
  const open = keys.length
    ? await stores.cases.findOne({ schoolId: school.id, objectKeys: { $in: lookFor }, status: { $ne: 'closed' }, openedAt: { $gte: since } }).sort({ openedAt: -1 }).lean<{ caseId: string; number: string }>()
    : null;
  let result: Extract<IntakeOutcome, { outcome: 'opened' | 'joined' }> | undefined;
  if (open) {
    const joined = await applyChange(stores, school.id, open.caseId, LANTERN_ACTOR, (state) => {
      const doNotView = state.doNotView || Boolean(input.mayInvolveIndecentImage);
      return {
        ok: true,
        action: 'detection-joined',
        after: {
          detections: [...state.detections, linked],
          objectKeys: [...new Set([...state.objectKeys, ...keys])],
          subjects: [...new Set([...state.subjects, ...input.subjectIds])],
          severity: doNotViewSeverity(rank(input.severity) > rank(state.severity) ? input.severity : state.severity, doNotView),
          doNotView,
          dpoDeadline: state.dpoDeadline ?? (input.personalDataBreach ? new Date(now.getTime() + DPO_CLOCK_MS) : null),
          ...(!state.dpoDeadline && input.personalDataBreach ? { breachHow: 'detection' as const } : {}),
        },
        note: input.summary,
      };
    }, deps.clock);
    if (joined.ok) {
      const channel = await deps.notifier.publish(school, open.caseId).catch(() => 'failed');
      result = { outcome: 'joined', caseId: open.caseId, number: open.number, channel };
    }
  }
  if (!result) {
    const opened = await openCase(stores, school, {
      source: 'detection',
      severity: input.severity,
      category: input.category,
      summary: input.summary,
      happenedAt: input.at,
      subjects: input.subjectIds,
      reporter: null,
      by: LANTERN_ACTOR,
      doNotView: Boolean(input.mayInvolveIndecentImage),
      dpoDeadline: input.personalDataBreach ? new Date(now.getTime() + DPO_CLOCK_MS) : null,
      breachHow: input.personalDataBreach ? 'detection' : null,
      detections: [linked],
      objectKeys: keys,
    }, now);
    await scheduleEscalation(stores, { schoolId: school.id, caseId: opened.caseId, severity: opened.state.severity, openedAt: now, afterMinutes: settings.escalateAfterMinutes }, deps.log);
    const channel = await deps.notifier.publish(school, opened.caseId).catch(() => 'failed');
    result = { outcome: 'opened', caseId: opened.caseId, number: opened.number, channel };
  }
  await stores.caseIntake.updateOne({ _id: fenceId }, { $set: { caseId: result.caseId, outcome: result.outcome } });
  return result;
}
