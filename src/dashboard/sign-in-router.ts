import express, { Router, type Request, type Response } from 'express';
import type { School } from '../config/load.js';
import { isLanternError } from '../errors.js';
import { clearCookie, readSignedCookie, setSignedCookie } from '../web/shared/cookies.js';
import { csrfToken, csrfValid } from '../web/shared/csrf.js';
import { isOwnDomain, startSignIn } from '../web/shared/oidc.js';
import { onDslTeam, onItTeam, refuse, type DashboardContext } from './context.js';
import { demoPeople, demoSignInAllowed } from './demo.js';
import { seedDemoCases } from './demo-cases.js';
import { finishEntraSignIn, identityProblem, type DashboardSignInStart } from './entra.js';
import { dashboardMessage } from './layout.js';
import { clearSessionCookie, createSession, csrfMatches, endSession, readSession, sessionForToken, setSessionCookie } from './sessions.js';
import { entraSignInFor } from './sign-in-settings.js';
import { handoffPage, schoolsPage, signInPage } from './sign-in-pages.js';

const OIDC_COOKIE = 'lantern_dsl_oidc';
const OIDC_SECONDS = 10 * 60;
/** The one redirect URI to register on the Entra app: `${publicUrl}/dashboard/oidc/callback`. */
export const DASHBOARD_CALLBACK = '/dashboard/oidc/callback';

function message(res: Response, status: number, title: string, lines: string[], school?: School): void {
  res.status(status).type('html').send(dashboardMessage({ title, lines, schoolName: school?.name }));
}

/** True when a post comes from the dashboard's own origin (or a browser that sends no Origin). */
function sameOrigin(ctx: DashboardContext, req: Request): boolean {
  const origin = req.get('origin');
  return !origin || origin === new URL(ctx.baseUrl(req)).origin;
}

/**
 * The Teams user's sign-in name (teams-js getContext's loginHint), passed on to Microsoft to pre-fill the
 * account: a hint only, never trusted (the ID token decides who signed in). Anything not shaped like one is dropped.
 */
function loginHint(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 254 && /^[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+$/.test(value) ? value : undefined;
}

/** The one school whose own domains include `domain` (from the Teams user's sign-in name), if exactly one does. */
function schoolForDomain(ctx: DashboardContext, domain: unknown): School | undefined {
  if (typeof domain !== 'string' || domain.length > 253 || !/^[A-Za-z0-9.-]+$/.test(domain)) return undefined;
  const matches = ctx.config.schools.filter((s) => isOwnDomain(domain, s.ownDomains));
  return matches.length === 1 ? matches[0] : undefined;
}

/** The sign-in page shown to anyone not (yet) signed in to a school's dashboard. */
export async function renderSignIn(ctx: DashboardContext, req: Request, res: Response, school: School, status = 200): Promise<void> {
  const settings = entraSignInFor(ctx.config, school);
  const demo = demoSignInAllowed(ctx.config, req) ? { people: await demoPeople(ctx.models, school), csrf: csrfToken(req, res, await ctx.secret(), ctx.clock(), ctx.cookies) } : null;
  res.status(status).type('html').send(signInPage({ schoolId: school.id, schoolName: school.name, entraProblem: 'missing' in settings ? settings.missing : null, demo }));
}

/** Starts a session for a member of the DSL team or the IT team (IT matters only), or refuses (and logs) anyone else. */
async function signInAs(ctx: DashboardContext, req: Request, res: Response, school: School, who: { email: string; name: string; via: 'entra' | 'demo' }, popup: boolean, teams = false): Promise<void> {
  const it = !onDslTeam(school, who.email) && onItTeam(school, who.email);
  if (!onDslTeam(school, who.email) && !it) {
    await refuse(ctx, res, school, who.email, `dashboard sign-in (${who.via}): not on the DSL team`);
    return;
  }
  await endSession(ctx.models.dashboardSessions, req);
  const token = await createSession(ctx.models.dashboardSessions, { schoolId: school.id, ...who }, ctx.clock());
  setSessionCookie(res, token, ctx.https);
  ctx.logger.info({ schoolId: school.id, via: who.via, area: it ? 'it' : 'dsl' }, it ? 'IT team member signed in to the dashboard' : 'DSL signed in to the dashboard');
  // The pop-up must keep its link to the Teams tab that opened it (helmet's same-origin COOP would cut it).
  if (popup) res.setHeader('Cross-Origin-Opener-Policy', 'unsafe-none').type('html').send(handoffPage({ schoolId: school.id, schoolName: school.name, token, teams }));
  else res.redirect(303, `/dashboard/${school.id}${it ? '/it' : ''}`);
}

/** Sign-in and sign-out: Microsoft Entra ID (OpenID Connect, code + PKCE), the Teams pop-up hand-off, the loopback demo. */
export function createSignInRouter(ctx: DashboardContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '2kb' });

  // The Teams tab's address (one for the whole trust): sends each DSL to their own school's dashboard.
  router.get('/dashboard', async (req, res) => {
    const only = ctx.config.schools.length === 1 ? ctx.config.schools[0] : undefined;
    if (only) return res.redirect(303, `/dashboard/${only.id}`);
    const session = await readSession(ctx.models.dashboardSessions, req, ctx.clock());
    if (session && ctx.school(session.schoolId)) return res.redirect(303, `/dashboard/${session.schoolId}`);
    const school = schoolForDomain(ctx, req.query.domain);
    if (school) return res.redirect(303, `/dashboard/${school.id}`);
    res.type('html').send(schoolsPage(ctx.config.schools));
  });

  router.get('/dashboard/:schoolId/sign-in/entra', async (req, res) => {
    const school = ctx.school(req.params.schoolId);
    if (!school) return message(res, 404, 'This page does not exist', ['Check the address, or open the dashboard from the DSL channel in Teams.']);
    const settings = entraSignInFor(ctx.config, school);
    if ('missing' in settings) return renderSignIn(ctx, req, res, school, 503);
    const hint = loginHint(req.query.login_hint);
    const { url, start } = await startSignIn(await ctx.discover(settings), `${ctx.baseUrl(req)}${DASHBOARD_CALLBACK}`, hint ? { login_hint: hint } : {});
    // teams=1: Teams opened this pop-up for the tab (teams-js authentication.authenticate); popup=1: the tab did.
    const teams = req.query.teams === '1';
    const popup = teams || req.query.popup === '1';
    if (popup) res.setHeader('Cross-Origin-Opener-Policy', 'unsafe-none');
    setSignedCookie(res, OIDC_COOKIE, { ...start, schoolId: school.id, popup, teams } satisfies DashboardSignInStart, await ctx.secret(), ctx.clock(), OIDC_SECONDS, ctx.cookies);
    res.redirect(303, url.href);
  });

  router.get(DASHBOARD_CALLBACK, async (req, res) => {
    const start = readSignedCookie<DashboardSignInStart>(req, OIDC_COOKIE, await ctx.secret(), ctx.clock());
    clearCookie(res, OIDC_COOKIE, ctx.cookies);
    const school = start ? ctx.school(start.schoolId) : undefined;
    const settings = school ? entraSignInFor(ctx.config, school) : undefined;
    if (!start || !school || !settings || 'missing' in settings) return message(res, 400, 'Sign-in did not finish', ['Please open the dashboard again and sign in.'], school);
    let identity;
    try {
      identity = await finishEntraSignIn(await ctx.discover(settings), new URL(req.originalUrl, ctx.baseUrl(req)), start);
    } catch (err) {
      ctx.logger.warn({ schoolId: school.id, code: isLanternError(err) ? err.code : (err as { code?: string }).code, why: (err as Error).message }, 'dashboard sign-in failed');
      return message(res, 400, 'Sign-in did not finish', ['Please open the dashboard again and sign in.'], school);
    }
    const problem = identityProblem(identity, school, settings);
    if (problem) return refuse(ctx, res, school, identity.email, `dashboard sign-in: ${problem}`);
    await signInAs(ctx, req, res, school, { email: identity.email, name: identity.name, via: 'entra' }, start.popup, start.teams === true);
  });

  // The Teams tab receives the session from its sign-in pop-up and asks for it as its own cookie.
  router.post('/dashboard/:schoolId/session/adopt', form, async (req, res) => {
    const school = ctx.school(req.params.schoolId);
    const token = String((req.body as Record<string, unknown> | undefined)?.token ?? '');
    const session = school && sameOrigin(ctx, req) ? await sessionForToken(ctx.models.dashboardSessions, token, ctx.clock()) : null;
    if (!school || !session || session.schoolId !== school.id) return void res.status(403).json({ error: 'That sign-in cannot be used here. Please sign in again.' });
    setSessionCookie(res, token, ctx.https);
    res.status(204).end();
  });

  router.post('/dashboard/:schoolId/demo-sign-in', form, async (req, res) => {
    const school = ctx.school(req.params.schoolId);
    if (!school || !demoSignInAllowed(ctx.config, req)) return message(res, 404, 'This page does not exist', ['Demo sign-in is only available in the demo on this computer.']);
    if (!csrfValid(req, await ctx.secret(), ctx.clock())) return message(res, 403, 'We could not accept this form', ['Nothing was changed. Please reload the page and try again.'], school);
    const email = String((req.body as Record<string, unknown> | undefined)?.email ?? '').toLowerCase();
    const person = (await demoPeople(ctx.models, school)).find((p) => p.email === email);
    if (!person) return message(res, 400, 'Choose someone to sign in as', ['Go back and choose one of the demo people.'], school);
    await seedDemoCases(ctx.models, school, ctx.clock(), ctx.logger);
    await signInAs(ctx, req, res, school, { email: person.email, name: person.name, via: 'demo' }, false);
  });

  router.post('/dashboard/:schoolId/sign-out', form, async (req, res) => {
    const school = ctx.school(req.params.schoolId);
    const session = await readSession(ctx.models.dashboardSessions, req, ctx.clock());
    if (session && !csrfMatches(session, req.body)) return message(res, 403, 'We could not accept this form', ['You are still signed in. Please reload the page and try again.'], school);
    await endSession(ctx.models.dashboardSessions, req);
    clearSessionCookie(res, ctx.https);
    message(res, 200, 'You have signed out', ['Close this window, or open the dashboard again to sign back in.'], school);
  });

  return router;
}
