import { FAMILIES, SEVERITIES, type Family, type Severity } from './types.js';

/** Where a detection goes: the DSL team's channel (safeguarding) or the IT queue (pure IT security). */
export const QUEUES = ['dsl', 'it'] as const;
/** A queue a route points at. */
export type Queue = (typeof QUEUES)[number];

/** The route table: `${family}:${severity}` → queue. Only consulted when no child, pupil data or safeguarding risk is involved. */
export type RouteTable = Readonly<Record<string, Queue>>;

/** The key of one row of the route table. */
export function routeKey(family: string, severity: string): string {
  return `${family}:${severity}`;
}

/**
 * The shipped table: with no child, no pupil data and no safeguarding category, every family goes to IT.
 * An indecent-image alert is a safeguarding matter whatever its other fields say.
 */
export const DEFAULT_ROUTES: RouteTable = Object.freeze(
  Object.fromEntries(FAMILIES.flatMap((f: Family) => SEVERITIES.map((s: Severity) => [routeKey(f, s), f === 'content.indecent_image' ? 'dsl' : 'it'] as const))),
);

/** True for a family and severity the table has a row for (so a typo is refused rather than logged). */
export function isRouteKey(family: string, severity: string): boolean {
  return (FAMILIES as readonly string[]).includes(family) && (SEVERITIES as readonly string[]).includes(severity);
}

/** The table a school runs with: the shipped rows, then its config file's rows, then the logged changes. */
export function effectiveRoutes(config: Readonly<Record<string, Partial<Record<Severity, Queue>>>> | undefined, logged: RouteTable | undefined): RouteTable {
  const table: Record<string, Queue> = { ...DEFAULT_ROUTES };
  for (const [family, bySeverity] of Object.entries(config ?? {})) {
    for (const [severity, queue] of Object.entries(bySeverity ?? {})) if (queue) table[routeKey(family, severity)] = queue;
  }
  return Object.freeze({ ...table, ...(logged ?? {}) });
}
