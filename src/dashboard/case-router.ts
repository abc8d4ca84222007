import express, { Router, type Request, type Response } from 'express';
import type { School } from '../config/load.js';
import type { Person } from '../directory/person.js';
import { applyCommand } from '../cases/act.js';
import type { CaseCommand } from '../cases/transitions.js';
import { logAccess } from '../cases/access.js';
import { printCaseChronology } from '../cases/chronology-export.js';
import { listOpenCases } from '../cases/list.js';
import { searchCases } from '../cases/search.js';
import { loadCase, type LoadedCase } from '../cases/store.js';
import { casePage } from './case-page.js';
import { DASHBOARD_CASE_ACTIONS } from './case-actions.js';
import { caseActionForms } from './case-forms.js';
import { withoutLinks } from '../cases/do-not-view.js';
import { pupilNamesText } from '../cases/pupil-names.js';
import { caseView, everSubjects } from '../cases/case-view.js';
import { dslUser, itOnlySession, type DashboardContext, type DslUser } from './context.js';
import { dashboardMessage } from './layout.js';
import { listPage, parseFilters, type ListFilters } from './list-page.js';
import { csrfMatches } from './sessions.js';
import { renderSignIn } from './sign-in-router.js';

/** The printable chronology's stylesheet (the dashboard's CSP allows no inline style). */
export const CHRONOLOGY_CSS_PATH = '/dashboard/assets/chronology.css';

const PAGE_SIZE = 25;
/** The deepest page a URL may ask for. */
const MAX_PAGE = 400;
const CASE_NUMBER = /^[A-Z]{2,6}-\d{4}-\d{4,}$/;
const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function notFound(res: Response, school?: School, user?: DslUser): void {
  res.status(404).type('html').send(dashboardMessage({ title: 'There is no such case', lines: ['Check the case number, or go back to the list of open cases.'], schoolName: school?.name, signedIn: user?.bar }));
}

/** One page of open cases, newest first, filtered by the open-case list itself (one extra row says "more"). */
async function pageOfCases(ctx: DashboardContext, schoolId: string, filters: ListFilters, page: number) {
  const offset = (page - 1) * PAGE_SIZE;
  const rows = filters.q || filters.view === 'closed'
    ? await searchCases(ctx.models, schoolId, { closed: filters.view === 'closed', q: filters.q, severity: filters.severity, category: filters.category }, PAGE_SIZE + 1, offset)
    : await listOpenCases(ctx.models, schoolId, PAGE_SIZE + 1, filters, offset);
  return { cases: rows.slice(0, PAGE_SIZE), hasMore: rows.length > PAGE_SIZE };
}

/** The DSL's pages: open cases, one case, "add note" and every card action (through the same act function as the card). */
export function createCaseRouter(ctx: DashboardContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  /** The school and its signed-in DSL, or an answer already sent (404, sign-in page, refusal). */
  async function gate(req: Request, res: Response): Promise<{ school: School; user: DslUser } | null> {
    const school = ctx.school(String(req.params.schoolId));
    if (!school) {
      notFound(res);
      return null;
    }
    const user = await dslUser(ctx, req, res, school);
    if (user === 'refused') return null;
    if (!user) {
      await renderSignIn(ctx, req, res, school, req.method === 'GET' ? 200 : 401);
      return null;
    }
    return { school, user };
  }

  /** The case a URL names, within the school only (another school's case is "not found", and logged). */
  async function caseFor(req: Request, res: Response, school: School, user: DslUser): Promise<LoadedCase | null> {
    const ref = String(req.params.ref);
    const doc = CASE_NUMBER.test(ref)
      ? await ctx.models.cases.findOne({ schoolId: school.id, number: ref }).select({ caseId: 1 }).lean<{ caseId: string }>()
      : CASE_ID.test(ref) ? { caseId: ref } : null;
    const loaded = doc ? await loadCase(ctx.models, school.id, doc.caseId) : undefined;
    if (!loaded) {
      await logAccess(ctx.models, { schoolId: school.id, caseId: CASE_ID.test(ref) ? ref : null, who: user.session.email, kind: 'refused', what: 'dashboard: no such case at this school', at: ctx.clock() });
      notFound(res, school, user);
      return null;
    }
    return loaded;
  }

  async function showCase(res: Response, school: School, user: DslUser, loaded: LoadedCase, extra: { notice?: string; error?: string; draft?: string; actionError?: string; breachError?: string; status?: number }) {
    const dslEmails = school.dsl.members.map((m) => m.email);
    const people = await ctx.models.people.find({ schoolId: school.id, $or: [{ personId: { $in: everSubjects(loaded) } }, { email: { $in: dslEmails } }] }).lean<Person[]>();
    await logAccess(ctx.models, { schoolId: school.id, caseId: loaded.doc.caseId, who: user.session.email, kind: 'view', what: 'dashboard: case page', at: ctx.clock() });
    const view = caseView(loaded, school, people, ctx.clock());
    const { state } = loaded;
    const actions = caseActionForms({
      schoolId: school.id, number: loaded.doc.number, csrf: user.bar.csrf, isNew: state.status === 'new', isOpen: view.isOpen,
      severity: state.severity, category: state.category, doNotView: state.doNotView, pupilNames: pupilNamesText(state.subjects, people),
      involved: withoutLinks(state.involved ?? '', state.doNotView),
      dsl: school.dsl.members.map((m) => ({ email: m.email, name: people.find((p) => p.email === m.email)?.displayName ?? m.email })),
    });
    res.status(extra.status ?? 200).type('html').send(casePage({ schoolId: school.id, schoolName: school.name, view, signedIn: user.bar, notice: extra.notice, error: extra.error, draft: extra.draft, actions, actionError: extra.actionError, breachError: extra.breachError }));
  }

  router.get('/dashboard/:schoolId', async (req, res) => {
    // The IT team's home is the IT view; it never lists cases.
    const it = ctx.school(req.params.schoolId);
    if (it && (await itOnlySession(ctx, req, it))) return res.redirect(303, `/dashboard/${it.id}/it`);
    const gated = await gate(req, res);
    if (!gated) return;
    const { school, user } = gated;
    const filters = parseFilters(req.query as Record<string, unknown>);
    // A case number typed into the search goes straight to that case.
    const number = filters.q.toUpperCase();
    if (CASE_NUMBER.test(number) && (await ctx.models.cases.exists({ schoolId: school.id, number }))) {
      res.redirect(303, `/dashboard/${school.id}/cases/${number}`);
      return;
    }
    const page = Math.min(Math.max(Number.parseInt(String(req.query.page ?? '1'), 10) || 1, 1), MAX_PAGE);
    const { cases, hasMore } = await pageOfCases(ctx, school.id, filters, page);
    // The list shows each case's summary, so each one shown counts as a view (C3).
    const at = ctx.clock();
    await Promise.all(cases.map((c) => logAccess(ctx.models, { schoolId: school.id, caseId: c.caseId, who: user.session.email, kind: 'view', what: `dashboard: ${filters.q ? 'case search' : `${filters.view} cases list`}, page ${page}`, at })));
    res.type('html').send(listPage({ schoolId: school.id, schoolName: school.name, tz: school.timezone, cases, filters, page, hasMore, signedIn: user.bar }));
  });

  router.get('/dashboard/:schoolId/cases/:ref', async (req, res) => {
    const gated = await gate(req, res);
    if (!gated) return;
    const loaded = await caseFor(req, res, gated.school, gated.user);
    if (!loaded) return;
    const done = typeof req.query.done === 'string' && Object.hasOwn(DASHBOARD_CASE_ACTIONS, req.query.done) ? DASHBOARD_CASE_ACTIONS[req.query.done]?.done : undefined;
    const notice = req.query.noted === '1' ? 'Your note was added to the timeline.' : req.query.breach === 'flagged' ? 'The 72-hour clock has started; the data protection officer will be emailed.' : req.query.breach === 'decided' ? 'The decision was added to the timeline.' : done;
    await showCase(res, gated.school, gated.user, loaded, notice ? { notice } : {});
  });

  router.get('/dashboard/:schoolId/cases/:ref/chronology', async (req, res) => {
    const gated = await gate(req, res);
    if (!gated) return;
    const { school, user } = gated;
    const loaded = await caseFor(req, res, school, user);
    if (!loaded) return;
    const by = { email: user.session.email, name: user.session.name };
    const printed = await printCaseChronology(ctx.models, school, loaded.doc.number, by, { now: ctx.clock(), channel: 'dashboard', stylesheet: CHRONOLOGY_CSS_PATH, loaded });
    if (!printed) return notFound(res, school, user);
    res.type('html').send(printed.html);
  });

  router.post('/dashboard/:schoolId/cases/:ref/actions/:action', form, async (req, res) => {
    const gated = await gate(req, res);
    if (!gated) return;
    const { school, user } = gated;
    const name = String(req.params.action);
    const action = Object.hasOwn(DASHBOARD_CASE_ACTIONS, name) ? DASHBOARD_CASE_ACTIONS[name] : undefined;
    if (!action || !csrfMatches(user.session, req.body)) {
      res.status(action ? 403 : 404).type('html').send(dashboardMessage({ title: 'We could not accept this form', lines: ['Nothing was saved. Please reload the page and try again.'], schoolName: school.name, signedIn: user.bar }));
      return;
    }
    const loaded = await caseFor(req, res, school, user);
    if (!loaded) return;
    const body = req.body as Record<string, unknown>;
    const actor = { email: user.session.email, name: user.session.name };
    await logAccess(ctx.models, { schoolId: school.id, caseId: loaded.doc.caseId, who: actor.email, kind: 'act', what: `dashboard: ${name}`, at: ctx.clock() });
    const field = (key: string) => (typeof body[key] === 'string' ? body[key] : '');
    const command = await action.toCommand({ field, school, actor, ctx });
    const result = typeof command === 'string' ? undefined : await applyCommand(ctx.models, school.id, loaded.doc.caseId, actor, command, ctx.clock);
    if (!result?.ok) {
      const reason = typeof command === 'string' ? command : result && !result.ok ? result.reason : 'Nothing was changed.';
      await showCase(res, school, user, result?.loaded ?? loaded, { actionError: reason, status: 400 });
      return;
    }
    await ctx.caseNotifier.publish(school, loaded.doc.caseId).catch((err: unknown) =>
      ctx.logger.warn({ err, schoolId: school.id }, 'could not update the DSL channel card after a dashboard action'),
    );
    res.redirect(303, `/dashboard/${school.id}/cases/${loaded.doc.number}?done=${encodeURIComponent(name)}`);
  });

  router.post('/dashboard/:schoolId/cases/:ref/notes', form, async (req, res) => {
    const gated = await gate(req, res);
    if (!gated) return;
    const { school, user } = gated;
    if (!csrfMatches(user.session, req.body)) {
      res.status(403).type('html').send(dashboardMessage({ title: 'We could not accept this form', lines: ['Nothing was saved. Please reload the page and try again.'], schoolName: school.name, signedIn: user.bar }));
      return;
    }
    const loaded = await caseFor(req, res, school, user);
    if (!loaded) return;
    const text = String((req.body as Record<string, unknown>).text ?? '');
    const actor = { email: user.session.email, name: user.session.name };
    await logAccess(ctx.models, { schoolId: school.id, caseId: loaded.doc.caseId, who: actor.email, kind: 'act', what: 'dashboard: add note', at: ctx.clock() });
    const result = await applyCommand(ctx.models, school.id, loaded.doc.caseId, actor, { kind: 'note', text }, ctx.clock);
    if (!result.ok) {
      await showCase(res, school, user, result.loaded ?? loaded, { error: result.reason, draft: text.slice(0, 20_000), status: 400 });
      return;
    }
    // The channel card shows the latest timeline entries: refresh it for everyone, as a card action would.
    await ctx.caseNotifier.publish(school, loaded.doc.caseId).catch((err: unknown) =>
      ctx.logger.warn({ err, schoolId: school.id }, 'could not update the DSL channel card after a dashboard note'),
    );
    res.redirect(303, `/dashboard/${school.id}/cases/${loaded.doc.number}?noted=1`);
  });

  /** A breach form: the command from the form, applied like a card press, then back to the case (or the reason it was refused). */
  function breachRoute(path: string, what: string, done: string, toCommand: (body: Record<string, unknown>) => CaseCommand | string) {
    router.post(`/dashboard/:schoolId/cases/:ref/${path}`, form, async (req, res) => {
      const gated = await gate(req, res);
      if (!gated) return;
      const { school, user } = gated;
      if (!csrfMatches(user.session, req.body)) {
        res.status(403).type('html').send(dashboardMessage({ title: 'We could not accept this form', lines: ['Nothing was saved. Please reload the page and try again.'], schoolName: school.name, signedIn: user.bar }));
        return;
      }
      const loaded = await caseFor(req, res, school, user);
      if (!loaded) return;
      const actor = { email: user.session.email, name: user.session.name };
      await logAccess(ctx.models, { schoolId: school.id, caseId: loaded.doc.caseId, who: actor.email, kind: 'act', what: `dashboard: ${what}`, at: ctx.clock() });
      const command = toCommand(req.body as Record<string, unknown>);
      const result = typeof command === 'string' ? undefined : await applyCommand(ctx.models, school.id, loaded.doc.caseId, actor, command, ctx.clock);
      if (!result?.ok) {
        await showCase(res, school, user, result?.loaded ?? loaded, { breachError: typeof command === 'string' ? command : result?.reason ?? '', status: 400 });
        return;
      }
      await ctx.caseNotifier.publish(school, loaded.doc.caseId).catch((err: unknown) => ctx.logger.warn({ err, schoolId: school.id }, `could not update the DSL channel card after a dashboard ${what}`));
      res.redirect(303, `/dashboard/${school.id}/cases/${loaded.doc.number}?breach=${done}#breach`);
    });
  }
  const field = (body: Record<string, unknown>, key: string) => (typeof body[key] === 'string' ? body[key] : '');
  breachRoute('breach', 'possible personal-data breach', 'flagged', (body) => ({ kind: 'possible-breach', reason: field(body, 'reason') }));
  breachRoute('breach-decision', 'breach decision', 'decided', (body) => {
    const answer = field(body, 'reported');
    if (answer === 'reported') return { kind: 'breach-decision', decision: { reported: true, icoReference: field(body, 'icoReference'), reportedOn: field(body, 'reportedOn') } };
    if (answer === 'not-reported') return { kind: 'breach-decision', decision: { reported: false, reason: field(body, 'reason') } };
    return 'Choose whether it was reported to the ICO.';
  });

  return router;
}
