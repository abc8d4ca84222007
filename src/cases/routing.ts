import type { School } from '../config/load.js';
import type { Models } from '../stores.js';
import { effectiveRoutes, routeKey, type Queue, type RouteTable } from '../monitoring/routes.js';
import { loadSettingsLog } from '../monitoring/settings-store.js';
import type { DetectionInput } from './detection.js';
import { caseSettings } from './settings.js';

/** Why a detection went where it went: a child, pupil data or a safeguarding risk always means the DSL. */
export type RouteReason = 'child-involved' | 'pupil-data' | 'safeguarding' | 'table';

/** Where a detection goes, and why. */
export interface RouteDecision {
  queue: Queue;
  reason: RouteReason;
}

/**
 * Routes a detection. A child involved, pupils' data exposed, anything that may be an indecent image of a
 * child, or a category other than security (the 4 Cs are safeguarding) goes to the DSL whatever the table
 * says; only pure IT security is routed by the school's table (family × severity; unknown rows go to the DSL,
 * the safe side).
 */
export function routeDetection(input: DetectionInput, table: RouteTable): RouteDecision {
  if (input.subjectIds.length > 0 || input.pupilInvolved) return { queue: 'dsl', reason: 'child-involved' };
  if (input.personalDataBreach || input.pupilData) return { queue: 'dsl', reason: 'pupil-data' };
  if (input.mayInvolveIndecentImage || input.category !== 'security') return { queue: 'dsl', reason: 'safeguarding' };
  return { queue: table[routeKey(input.family, input.severity)] ?? 'dsl', reason: 'table' };
}

/** The route table a school runs with now: shipped rows, its config file's `cases.routing`, then the logged changes. */
export async function loadRoutes(models: Pick<Models, 'monitoringChanges'>, school: School): Promise<RouteTable> {
  const folded = await loadSettingsLog(models, school.id);
  return effectiveRoutes(caseSettings(school).routing, folded.settings.routes);
}
