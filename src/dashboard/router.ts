import { Router, type ErrorRequestHandler } from 'express';
import { DASHBOARD_CSS, DASHBOARD_JS } from './assets.js';
import { CHRONOLOGY_CSS } from '../cases/chronology-html.js';
import { CHRONOLOGY_CSS_PATH, createCaseRouter } from './case-router.js';
import { dashboardContext, type DashboardDeps } from './context.js';
import { createInspectionRouter } from './inspection-router.js';
import { createItRouter } from './it-router.js';
import { dashboardMessage } from './layout.js';
import { dashboardSecurityHeaders } from './security-headers.js';
import { createSignInRouter } from './sign-in-router.js';
import { TEAMS_JS_PATH, teamsJsHandler } from './teams-js-asset.js';

/**
 * The DSL web dashboard (/dashboard/…): Microsoft sign-in for the school's DSL team, open cases, one case,
 * and "add note". Usable in a browser and as a Teams tab (its own CSP lets Teams frame it).
 */
export function createDashboardRouter(deps: DashboardDeps): Router {
  const ctx = dashboardContext(deps);
  const router = Router();
  router.use('/dashboard', dashboardSecurityHeaders(ctx.https));
  router.get('/dashboard/assets/dashboard.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=3600').send(DASHBOARD_CSS);
  });
  router.get(CHRONOLOGY_CSS_PATH, (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=3600').send(CHRONOLOGY_CSS);
  });
  router.get('/dashboard/assets/dashboard.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'public, max-age=3600').send(DASHBOARD_JS);
  });
  router.get(TEAMS_JS_PATH, teamsJsHandler(() => ctx.logger.error('@microsoft/teams-js is not installed: the Teams tab falls back to its pop-up sign-in')));
  router.use(createSignInRouter(ctx));
  router.use(createCaseRouter(ctx));
  router.use(createItRouter(ctx));
  router.use(createInspectionRouter(ctx));
  const onError: ErrorRequestHandler = (err, req, res, next) => {
    if (!req.path.startsWith('/dashboard')) {
      next(err);
      return;
    }
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) req.log?.error({ err }, 'dashboard page failed');
    if (res.headersSent) return;
    const lines =
      err?.type === 'entity.too.large'
        ? ['That was too long to save: nothing was changed. Please go back and shorten it.']
        : status === 500
          ? ['Nothing was changed. Please try again in a few minutes; the problem has been logged.']
          : ['The request was not understood; nothing was changed. Please go back and try again.'];
    res.status(status).type('html').send(dashboardMessage({ title: 'Something went wrong', lines }));
  };
  router.use('/dashboard', (_req, res) => {
    res.status(404).type('html').send(dashboardMessage({ title: 'This page does not exist', lines: ['Check the address, or open the dashboard from the DSL channel in Teams.'] }));
  });
  router.use(onError);
  return router;
}
