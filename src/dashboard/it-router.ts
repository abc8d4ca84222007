import express, { Router, type Request, type Response } from 'express';
import type { School } from '../config/load.js';
import { logAccess } from '../cases/access.js';
import { closeItMatter } from '../cases/it-close.js';
import { listItMatters, type StoredItMatter } from '../cases/it-matters.js';
import { sendItMatterToDsl } from '../cases/send-to-dsl.js';
import { itUser, type DashboardContext, type ItUser } from './context.js';
import { itListPage, itMatterPage } from './it-pages.js';
import { dashboardMessage } from './layout.js';
import { csrfMatches } from './sessions.js';
import { renderSignIn } from './sign-in-router.js';

const MATTER_NUMBER = /^IT-[0-9A-F]{8}$/;

/**
 * The IT team's pages (/dashboard/:school/it): the IT queue, one IT matter, "this involves a child — send to
 * the DSL" and "close". They read the it_matters collection only, never cases; every view and action is logged.
 */
export function createItRouter(ctx: DashboardContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  async function gate(req: Request, res: Response): Promise<{ school: School; user: ItUser } | null> {
    const school = ctx.school(String(req.params.schoolId));
    if (!school?.it) {
      res.status(404).type('html').send(dashboardMessage({ title: 'This page does not exist', lines: ['This school has no IT team set up in Lantern.'], schoolName: school?.name }));
      return null;
    }
    const user = await itUser(ctx, req, res, school);
    if (user === 'refused') return null;
    if (!user) {
      await renderSignIn(ctx, req, res, school, req.method === 'GET' ? 200 : 401);
      return null;
    }
    return { school, user };
  }

  async function matterFor(req: Request, res: Response, school: School, user: ItUser): Promise<StoredItMatter | null> {
    const ref = String(req.params.number);
    const matter = MATTER_NUMBER.test(ref) ? await ctx.models.itMatters.findOne({ schoolId: school.id, number: ref }).lean<StoredItMatter>() : null;
    if (!matter) {
      await logAccess(ctx.models, { schoolId: school.id, caseId: null, who: user.session.email, kind: 'refused', what: 'dashboard: no such IT matter at this school', at: ctx.clock() });
      res.status(404).type('html').send(dashboardMessage({ title: 'There is no such IT matter', lines: ['Check the number, or go back to the list of IT matters.'], schoolName: school.name, signedIn: user.bar }));
      return null;
    }
    return matter;
  }

  async function show(res: Response, school: School, user: ItUser, number: string, extra: { notice?: string; error?: string; status?: number } = {}): Promise<void> {
    const matter = await ctx.models.itMatters.findOne({ schoolId: school.id, number }).lean<StoredItMatter>();
    if (!matter) return void res.status(404).end();
    await logAccess(ctx.models, { schoolId: school.id, caseId: null, who: user.session.email, kind: 'view', what: `dashboard: IT matter ${number}`, at: ctx.clock() });
    res.status(extra.status ?? 200).type('html').send(itMatterPage({ schoolId: school.id, schoolName: school.name, tz: school.timezone, matter, signedIn: user.bar, ...extra }));
  }

  /** Checks the form's CSRF token and finds the matter; answers and returns null when either fails. */
  async function posted(req: Request, res: Response): Promise<{ school: School; user: ItUser; matter: StoredItMatter } | null> {
    const gated = await gate(req, res);
    if (!gated) return null;
    if (!csrfMatches(gated.user.session, req.body)) {
      res.status(403).type('html').send(dashboardMessage({ title: 'We could not accept this form', lines: ['Nothing was changed. Please reload the page and try again.'], schoolName: gated.school.name, signedIn: gated.user.bar }));
      return null;
    }
    const matter = await matterFor(req, res, gated.school, gated.user);
    return matter ? { ...gated, matter } : null;
  }

  router.get('/dashboard/:schoolId/it', async (req, res) => {
    const gated = await gate(req, res);
    if (!gated) return;
    const { school, user } = gated;
    const matters = await listItMatters(ctx.models, school.id);
    await logAccess(ctx.models, { schoolId: school.id, caseId: null, who: user.session.email, kind: 'view', what: `dashboard: IT matters list (${matters.length})`, at: ctx.clock() });
    res.type('html').send(itListPage({ schoolId: school.id, schoolName: school.name, tz: school.timezone, matters, signedIn: user.bar }));
  });

  router.get('/dashboard/:schoolId/it/:number', async (req, res) => {
    const gated = await gate(req, res);
    if (!gated) return;
    const matter = await matterFor(req, res, gated.school, gated.user);
    if (!matter) return;
    const notice = req.query.done === 'sent' ? `Sent to the DSL as ${matter.sentToDsl?.number ?? 'a case'}.` : req.query.done === 'closed' ? 'This IT matter is closed.' : undefined;
    await show(res, gated.school, gated.user, matter.number, notice ? { notice } : {});
  });

  router.post('/dashboard/:schoolId/it/:number/send-to-dsl', form, async (req, res) => {
    const found = await posted(req, res);
    if (!found) return;
    const { school, user, matter } = found;
    const actor = { email: user.session.email, name: user.session.name };
    await logAccess(ctx.models, { schoolId: school.id, caseId: null, who: actor.email, kind: 'act', what: `dashboard: send ${matter.number} to the DSL`, at: ctx.clock() });
    const result = await sendItMatterToDsl({ stores: ctx.models, notifier: ctx.caseNotifier, log: ctx.logger, clock: ctx.clock }, school, matter.matterId, actor);
    if (!result.ok) return show(res, school, user, matter.number, { error: result.reason, status: 409 });
    res.redirect(303, `/dashboard/${school.id}/it/${matter.number}?done=sent`);
  });

  router.post('/dashboard/:schoolId/it/:number/close', form, async (req, res) => {
    const found = await posted(req, res);
    if (!found) return;
    const { school, user, matter } = found;
    const actor = { email: user.session.email, name: user.session.name };
    await logAccess(ctx.models, { schoolId: school.id, caseId: null, who: actor.email, kind: 'act', what: `dashboard: close ${matter.number}`, at: ctx.clock() });
    const result = await closeItMatter(ctx.models, school, matter.matterId, actor, String((req.body as Record<string, unknown>).reason ?? ''), ctx.clock());
    if (!result.ok) return show(res, school, user, matter.number, { error: result.reason, status: 400 });
    // The IT channel card says it is closed too.
    await ctx.caseNotifier.publishItMatter(school, matter.matterId).catch(() => 'queued');
    res.redirect(303, `/dashboard/${school.id}/it/${matter.number}?done=closed`);
  });

  return router;
}
