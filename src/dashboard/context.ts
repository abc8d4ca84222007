import type { Request, Response } from 'express';
import type { LanternConfig, School } from '../config/load.js';
import type { Models } from '../db/models.js';
import type { Logger } from '../log/logger.js';
import { logAccess } from '../cases/access.js';
import type { CaseNotifier } from '../cases/ports.js';
import { cookieOptions, type CookieOptions } from '../web/cookie-options.js';
import { loadCookieSecret } from '../web/sign/cookies.js';
import { entraDiscovery } from './entra.js';
import { refusedPage } from './sign-in-pages.js';
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

/** The deps plus what the routes share: the cookie key, the OpenID discovery cache, https or not. */
export interface DashboardContext extends DashboardDeps {
  secret(): Promise<Buffer>;
  school(schoolId: string): School | undefined;
  discover: ReturnType<typeof entraDiscovery>;
  https: boolean;
  /** Attributes of the signed cookies the dashboard sets (the same rule as the sign pages). */
  cookies: CookieOptions;
  baseUrl(req: Request): string;
}

/** Wraps the deps once per router. */
export function dashboardContext(deps: DashboardDeps): DashboardContext {
  let secret: Promise<Buffer> | undefined;
  const cookies = cookieOptions(deps.config.server);
  return {
    ...deps,
    secret() {
      secret ??= loadCookieSecret(deps.models.webSecrets).catch((err: unknown) => {
        secret = undefined;
        throw err;
      });
      return secret;
    },
    school: (schoolId) => deps.config.schools.find((s) => s.id === schoolId),
    discover: entraDiscovery(),
    https: cookies.secure,
    cookies,
    baseUrl: (req) => deps.config.server.publicUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`,
  };
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

/**
 * The DSL team member behind a request, or null when nobody of this school is signed in. Membership is
 * checked against the configuration on every request, so someone taken off the team loses access at once
 * (they get the refusal, and it is logged).
 */
export async function dslUser(ctx: DashboardContext, req: Request, res: Response, school: School): Promise<DslUser | null | 'refused'> {
  const session = await readSession(ctx.models.dashboardSessions, req, ctx.clock());
  if (!session || session.schoolId !== school.id) return null;
  if (!onDslTeam(school, session.email)) {
    await endSession(ctx.models.dashboardSessions, req);
    clearSessionCookie(res, ctx.https);
    await refuse(ctx, res, school, session.email, 'dashboard: no longer on the DSL team');
    return 'refused';
  }
  return { session, bar: { schoolId: school.id, name: session.name, csrf: session.csrf } };
}
