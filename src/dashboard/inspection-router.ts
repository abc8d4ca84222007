import { Router, type Request, type Response } from 'express';
import { academicYearIn, calendarOf } from '../agreements/academic-year.js';
import type { School } from '../config/load.js';
import { logAccess } from '../cases/access.js';
import { gatherInspectionPack } from '../ops/inspection/gather.js';
import { parsePackRange } from '../ops/inspection/range.js';
import { renderInspectionPack } from '../ops/inspection/render.js';
import { createZip } from '../ops/zip.js';
import { dslUser, type DashboardContext, type DslUser } from './context.js';
import { inspectionPage } from './inspection-page.js';
import { dashboardMessage } from './layout.js';
import { renderSignIn } from './sign-in-router.js';

/** The first day of the school's current academic year, as YYYY-MM-DD: the page's default start. */
function yearStart(school: School, now: Date): string {
  const calendar = calendarOf(school);
  const first = academicYearIn(now, calendar).slice(0, 4);
  return `${first}-${String(calendar.start.month).padStart(2, '0')}-${String(calendar.start.day).padStart(2, '0')}`;
}

/**
 * The DSL's inspection pack (/dashboard/:school/inspection): a page with the period, and the download of the same pack
 * `lantern inspection pack` writes, as one zip. DSL team only; every view and download is in the access log.
 */
export function createInspectionRouter(ctx: DashboardContext): Router {
  const router = Router();

  async function gate(req: Request, res: Response): Promise<{ school: School; user: DslUser } | null> {
    const school = ctx.school(String(req.params.schoolId));
    if (!school) {
      res.status(404).type('html').send(dashboardMessage({ title: 'This page does not exist', lines: ['Check the address, or open the dashboard from the DSL channel in Teams.'] }));
      return null;
    }
    const user = await dslUser(ctx, req, res, school);
    if (user === 'refused') return null;
    if (!user) {
      await renderSignIn(ctx, req, res, school, 200);
      return null;
    }
    return { school, user };
  }

  router.get('/dashboard/:schoolId/inspection', async (req, res) => {
    const gated = await gate(req, res);
    if (!gated) return;
    const { school, user } = gated;
    const now = ctx.clock();
    await logAccess(ctx.models, { schoolId: school.id, caseId: null, who: user.session.email, kind: 'view', what: 'dashboard: inspection pack page', at: now });
    res.type('html').send(inspectionPage({ schoolId: school.id, schoolName: school.name, from: yearStart(school, now), to: now.toISOString().slice(0, 10), signedIn: user.bar }));
  });

  router.get('/dashboard/:schoolId/inspection/pack', async (req, res) => {
    const gated = await gate(req, res);
    if (!gated) return;
    const { school, user } = gated;
    const fromText = typeof req.query.from === 'string' ? req.query.from : '';
    const toText = typeof req.query.to === 'string' ? req.query.to : '';
    const parsed = parsePackRange(fromText, toText);
    if (!parsed.ok) {
      return void res.status(400).type('html').send(inspectionPage({ schoolId: school.id, schoolName: school.name, from: fromText.slice(0, 10), to: toText.slice(0, 10), error: parsed.problem, signedIn: user.bar }));
    }
    const now = ctx.clock();
    const { from, to } = parsed.range;
    await logAccess(ctx.models, { schoolId: school.id, caseId: null, who: user.session.email, kind: 'view', what: `dashboard: inspection pack ${fromText} to ${toText}`, at: now });
    const pack = await gatherInspectionPack(ctx.models, school, from, to, now);
    const folder = `inspection-pack-${school.id}-${fromText}-to-${toText}`;
    const zip = createZip(renderInspectionPack(pack, ctx.models.integrity).map((f) => ({ name: `${folder}/${f.name}`, data: Buffer.from(f.text, 'utf8') })), now);
    res.set({ 'Content-Type': 'application/zip', 'Content-Disposition': `attachment; filename="${folder}.zip"`, 'Cache-Control': 'no-store' }).send(zip);
  });

  return router;
}
