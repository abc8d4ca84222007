import type { Request, Response } from 'express';
import type { LanternConfig, School } from '../config/load.js';
import type { Models } from '../stores.js';
import type { Logger } from '../log/logger.js';
import { logAccess } from '../cases/access.js';
import type { CaseNotifier } from '../cases/ports.js';
import { webContext, type WebContext } from '../web/shared/context.js';
import { entraDiscovery } from './entra.js';
import { itRefusedPage, refusedPage } from './sign-in-pages.js';
import { clearSessionCookie, endSession, readSession, type DashboardSession } from './sessions.js';
import type { SignedInBar } from './layout.js';

/** What the dashboard needs, injected by the server (or a test). */
export interface DashboardDeps {
  config: LanternConfig;
  models: Models;
  logger: Logger;
  clock: () => Date;
  /** Refreshes a case's card in the DSL channel after a change made here (the Teams edge). */
  caseNotifier: CaseNotifier;
}

/** The deps plus what the routes share: the web context (cookie key, schools, cookie attributes), the OpenID discovery cache, https or not. */
export interface DashboardContext extends DashboardDeps, WebContext {
  discover: ReturnType<typeof entraDiscovery>;
  https: boolean;
}

/** Wraps the deps once per router. */
export function dashboardContext(deps: DashboardDeps): DashboardContext {
  const web = webContext(deps.config, deps.models);
  return { ...deps, ...web, discover: entraDiscovery(), https: web.cookies.secure };
}

/** A signed-in member of the school's DSL team. */
export interface DslUser {
  session: DashboardSession;
  bar: SignedInBar;
}

/** True when `email` is on the school's DSL team in the configuration as it is now. */
export function onDslTeam(school: School, email: string): boolean {
  return school.dsl.members.some((m) => m.email === email.toLowerCase());
}

/** Records a refused attempt and answers with the polite refusal page. */
export async function refuse(ctx: DashboardContext, res: Response, school: School, who: string, what: string, caseId: string | null = null): Promise<void> {
  await logAccess(ctx.models, { schoolId: school.id, caseId, who, kind: 'refused', what, at: ctx.clock() });
  ctx.logger.warn({ schoolId: school.id, why: what }, 'dashboard access refused');
  res.status(403).type('html').send(refusedPage(school.name));
}

/** True when `email` is on the school's IT team (`schools[].it.members`) in the configuration as it is now. */
export function onItTeam(school: School, email: string): boolean {
  return school.it?.members.some((m) => m.email === email.toLowerCase()) ?? false;
}

/** A signed-in member of the school's IT team: they see IT matters only, never cases. */
export type ItUser = DslUser;

/**
 * The IT team member behind a request, or null when nobody of this school is signed in. Someone on the DSL
 * team is refused here (logged): IT matters reach the DSL only when the IT team sends one over, as a case.
 */
export async function itUser(ctx: DashboardContext, req: Request, res: Response, school: School): Promise<ItUser | null | 'refused'> {
  const session = await readSession(ctx.models.dashboardSessions, req, ctx.clock());
  if (!session || session.schoolId !== school.id) return null;
  if (!onItTeam(school, session.email)) {
    if (!onDslTeam(school, session.email)) {
      await endSession(ctx.models.dashboardSessions, req);
      clearSessionCookie(res, ctx.https);
    }
    await logAccess(ctx.models, { schoolId: school.id, caseId: null, who: session.email, kind: 'refused', what: 'dashboard: IT view, not on the IT team', at: ctx.clock() });
    ctx.logger.warn({ schoolId: school.id }, 'dashboard IT view refused');
    res.status(403).type('html').send(itRefusedPage(school.name));
    return 'refused';
  }
  return { session, bar: { schoolId: school.id, name: session.name, csrf: session.csrf, area: 'it' } };
}

/** True when the request's session is someone of this school on the IT team but not the DSL team (their home is the IT view). */
export async function itOnlySession(ctx: DashboardContext, req: Request, school: School): Promise<boolean> {
  const session = await readSession(ctx.models.dashboardSessions, req, ctx.clock());
  return Boolean(session && session.schoolId === school.id && onItTeam(school, session.email) && !onDslTeam(school, session.email));
}

/**
 * The DSL team member behind a request, or null when nobody of this school is signed in. Membership is
 * checked against the configuration on every request, so someone taken off the team loses access at once
 * (they get the refusal, and it is logged).
 */
export async function dslUser(ctx: DashboardContext, req: Request, res: Response, school: School): Promise<DslUser | null | 'refused'> {
  const session = await readSession(ctx.models.dashboardSessions, req, ctx.clock());
  if (!session || session.schoolId !== school.id) return null;
  if (!onDslTeam(school, session.email)) {
    // The IT team keeps its session (for the IT view) but never sees a case.
    if (onItTeam(school, session.email)) {
      await refuse(ctx, res, school, session.email, 'dashboard: DSL cases, IT team only');
      return 'refused';
    }
    await endSession(ctx.models.dashboardSessions, req);
    clearSessionCookie(res, ctx.https);
    await refuse(ctx, res, school, session.email, 'dashboard: no longer on the DSL team');
    return 'refused';
  }
  return { session, bar: { schoolId: school.id, name: session.name, csrf: session.csrf } };
}
