import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { calendarOf } from '../../agreements/academic-year.js';
import { newKioskFormId, openKioskLink, signAtKiosk, type KioskLinkProblem, type OpenKioskLink } from '../../agreements/kiosk-links.js';
import { csrfToken, csrfValid } from '../shared/csrf.js';
import { rateLimitByIp, type RateLimitSettings } from '../shared/rate-limit.js';
import { clientDetails, type SignContext } from './context.js';
import { csrfRefused, messagePage } from './layout.js';
import { kioskDonePage, kioskSignPage, type KioskAnswers, type KioskFieldError } from './kiosk-pages.js';

/**
 * Requests one address may make to the kiosk pages in ten minutes. Reception phones on the school's wifi often share
 * one public address, so the limits leave room for a busy morning; they stop guessing of links and floods of posts.
 */
export const KIOSK_RATE_LIMITS: { pages: RateLimitSettings; signatures: RateLimitSettings } = {
  pages: { windowMs: 10 * 60_000, max: 200 },
  signatures: { windowMs: 10 * 60_000, max: 40 },
};

const PROBLEM_PAGES: Record<KioskLinkProblem, { status: number; title: string; lines: string[] }> = {
  invalid: {
    status: 404,
    title: 'This address does not work',
    lines: ['Please scan the code on the sheet again, or check the address you typed.', 'If it still does not work, please ask at reception.'],
  },
  expired: {
    status: 410,
    title: 'This sheet has expired',
    lines: ['The code on this sheet no longer works.', 'Please ask at reception: they can sign you in another way.'],
  },
  revoked: {
    status: 410,
    title: 'This sheet is no longer in use',
    lines: ['The school has replaced the code on this sheet, so nothing can be signed with it.', 'Please ask at reception.'],
  },
};

function oneLine(value: unknown): string {
  return typeof value === 'string' ? value.trim().replace(/\s+/g, ' ').slice(0, 100) : '';
}

/** The reception kiosk: GET shows the policy's current version, POST records a visitor's signature of it. */
export function createKioskRouter(ctx: SignContext, limits = KIOSK_RATE_LIMITS): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });
  const limited: RequestHandler = (_req, res) => {
    res
      .status(429)
      .type('html')
      .send(messagePage({ title: 'Too many tries from this connection', lines: ['Please wait a few minutes and try again.', 'If you are in a hurry, please ask at reception.'] }));
  };
  const pagesLimit = rateLimitByIp(limits.pages, limited);
  const signaturesLimit = rateLimitByIp(limits.signatures, limited);
  const problem = (res: Response, kind: KioskLinkProblem, schoolId?: string): void => {
    const page = PROBLEM_PAGES[kind];
    res.status(page.status).type('html').send(messagePage({ title: page.title, lines: page.lines, schoolName: schoolId ? ctx.school(schoolId)?.name : undefined }));
  };
  const show = async (req: Request, res: Response, open: OpenKioskLink, extra: { status?: number; answers?: KioskAnswers; errors?: KioskFieldError[]; changed?: boolean } = {}): Promise<void> => {
    const school = ctx.school(open.link.schoolId);
    if (!school) return problem(res, 'invalid');
    const csrf = csrfToken(req, res, await ctx.secret(), ctx.clock(), ctx.cookies);
    const answers = extra.answers ?? { name: '', organisation: '', agreed: false };
    res
      .status(extra.status ?? 200)
      .type('html')
      .send(kioskSignPage({ schoolName: school.name, version: open.version, csrf, formId: newKioskFormId(), answers, errors: extra.errors, changed: extra.changed }));
  };

  router.get('/sign/kiosk/:token', pagesLimit, async (req, res) => {
    const opened = await openKioskLink(ctx.models, String(req.params.token ?? ''), ctx.clock());
    if (!opened.ok) return problem(res, opened.problem, opened.schoolId);
    await show(req, res, opened.open);
  });

  router.post('/sign/kiosk/:token', signaturesLimit, form, async (req, res) => {
    if (!csrfValid(req, await ctx.secret(), ctx.clock())) return csrfRefused(res);
    const token = String(req.params.token ?? '');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const answers: KioskAnswers = { name: oneLine(body.name), organisation: oneLine(body.organisation), agreed: body.agree === 'yes' };
    const opened = await openKioskLink(ctx.models, token, ctx.clock());
    if (!opened.ok) return problem(res, opened.problem, opened.schoolId);
    const school = ctx.school(opened.open.link.schoolId);
    if (!school) return problem(res, 'invalid');
    if (body.versionId !== opened.open.version._id) return show(req, res, opened.open, { status: 409, answers: { ...answers, agreed: false }, changed: true });
    const errors: KioskFieldError[] = [];
    if (!answers.name) errors.push({ field: 'visitor-name', text: 'Type your full name.' });
    if (!answers.agreed) errors.push({ field: 'agree', text: 'Tick the box to say you have read the agreement and agree to it.' });
    if (errors.length) return show(req, res, opened.open, { status: 400, answers, errors });
    const signed = await signAtKiosk(
      ctx.models,
      { token, shownVersionId: String(body.versionId), formId: typeof body.formId === 'string' ? body.formId : '', name: answers.name, organisation: answers.organisation, client: clientDetails(req) },
      calendarOf(school),
      ctx.clock,
    );
    if (!signed.ok) return signed.problem === 'changed' ? show(req, res, signed.open, { status: 409, answers: { ...answers, agreed: false }, changed: true }) : problem(res, signed.problem, signed.schoolId);
    res.type('html').send(kioskDonePage({ schoolName: school.name, title: signed.open.version.title, signedAt: signed.signedAt, again: req.originalUrl.split('?')[0] ?? '' }));
  });

  return router;
}
