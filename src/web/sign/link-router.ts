import express, { Router, type Response } from 'express';
import { calendarOf } from '../../agreements/academic-year.js';
import { openSignerLink, signByLink, type SignerLinkProblem } from '../../agreements/signer-links.js';
import { csrfToken, csrfValid } from '../shared/csrf.js';
import { clientDetails, type SignContext } from './context.js';
import { csrfRefused, messagePage } from './layout.js';
import { linkDonePage, linkSignPage } from './link-pages.js';

const PROBLEM_PAGES: Record<SignerLinkProblem, { status: number; title: string; lines: string[] }> = {
  invalid: {
    status: 404,
    title: 'This link does not work',
    lines: ['The link may have been copied wrongly or changed.', 'Please open the link straight from the school’s email, or ask the school office to send a new one.'],
  },
  expired: {
    status: 410,
    title: 'This link has expired',
    lines: ['Links to sign only work for a limited time.', 'Please ask the school office to send you a new link.'],
  },
  used: {
    status: 410,
    title: 'This link has already been used',
    lines: ['Each link works once, and your signature was already saved with this one.', 'If you need to sign again, ask the school office for a new link.'],
  },
  revoked: {
    status: 410,
    title: 'This link no longer works',
    lines: ['The school has withdrawn this link, so nothing can be signed with it.', 'If you think this is a mistake, please ask the school office.'],
  },
};

/** Emailed single-use links for people without a school Teams account: GET shows the version, POST signs it. */
export function createLinkRouter(ctx: SignContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '8kb' });
  const problem = (res: Response, kind: SignerLinkProblem, schoolId?: string): void => {
    const page = PROBLEM_PAGES[kind];
    res.status(page.status).type('html').send(messagePage({ title: page.title, lines: page.lines, schoolName: schoolId ? ctx.school(schoolId)?.name : undefined }));
  };

  router.get('/sign/link/:token', async (req, res) => {
    const now = ctx.clock();
    const opened = await openSignerLink(ctx.models, String(req.params.token ?? ''), now);
    if (!opened.ok) return problem(res, opened.problem, opened.schoolId);
    const school = ctx.school(opened.open.link.schoolId);
    if (!school) return problem(res, 'invalid');
    const csrf = csrfToken(req, res, await ctx.secret(), now, ctx.cookies);
    res.type('html').send(linkSignPage({ schoolName: school.name, version: opened.open.version, csrf, typedName: opened.open.link.name ?? '' }));
  });

  router.post('/sign/link/:token', form, async (req, res) => {
    if (!csrfValid(req, await ctx.secret(), ctx.clock())) return csrfRefused(res);
    const token = String(req.params.token ?? '');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const typedName = typeof body.typedName === 'string' ? body.typedName.trim().replace(/\s+/g, ' ').slice(0, 100) : '';
    const now = ctx.clock();
    const opened = await openSignerLink(ctx.models, token, now);
    if (!opened.ok) return problem(res, opened.problem, opened.schoolId);
    const school = ctx.school(opened.open.link.schoolId);
    if (!school) return problem(res, 'invalid');
    if (!typedName) {
      const csrf = csrfToken(req, res, await ctx.secret(), now, ctx.cookies);
      return void res.status(400).type('html').send(linkSignPage({ schoolName: school.name, version: opened.open.version, csrf, typedName: '', error: 'Type your full name to sign.' }));
    }
    const signed = await signByLink(ctx.models, { token, typedName, client: clientDetails(req) }, calendarOf(school), ctx.clock);
    if (!signed.ok) return problem(res, signed.problem, signed.schoolId);
    res.type('html').send(linkDonePage({ schoolName: school.name, title: signed.open.version.title, signedAt: signed.signedAt }));
  });

  return router;
}
