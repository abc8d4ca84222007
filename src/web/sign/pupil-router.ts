import express, { Router, type Request, type Response } from 'express';
import type { Person } from '../../directory/person.js';
import { isLanternError } from '../../errors.js';
import { pupilSigningState, signAsPupil, type PupilSignRefusal } from '../../agreements/pupil-signing.js';
import { calendarOf } from '../../agreements/academic-year.js';
import { clearCookie, readSignedCookie, setSignedCookie } from '../shared/cookies.js';
import { clientDetails, type SignContext } from './context.js';
import { csrfToken, csrfValid } from '../shared/csrf.js';
import { csrfRefused, messagePage } from './layout.js';
import { discoveryCache, isOwnDomain, startSignIn } from '../shared/oidc.js';
import { finishGoogleSignIn, type SignInStart } from './google-sign-in.js';
import { pupilDonePage, pupilSignPage } from './pupil-pages.js';

/** The signed cookie naming the signed-in pupil; short-lived, because Chromebooks are shared. */
export const PUPIL_COOKIE = 'lantern_pupil';
const OIDC_COOKIE = 'lantern_oidc';
const PUPIL_SECONDS = 60 * 60;
const OIDC_SECONDS = 10 * 60;
const CALLBACK = '/sign/oidc/callback';
const PUPIL_PATH = /^\/sign\/pupil\/[a-z0-9-]{2,32}\/[A-Za-z0-9_-]{1,64}(\?version=[A-Za-z0-9:%._-]{1,200})?$/;

interface PupilSession {
  schoolId: string;
  personId: string;
}

function refuse(res: Response, status: number, title: string, lines: string[], schoolName?: string): void {
  res.status(status).type('html').send(messagePage({ title, lines, schoolName }));
}

/** The page for each reason a pupil may not sign from their link. */
const REFUSALS: Record<PupilSignRefusal, { status: number; title: string; lines: string[] }> = {
  'not-found': { status: 404, title: 'There is nothing to sign here', lines: ['This agreement is not available. Please tell your teacher.'] },
  'not-for-you': {
    status: 403,
    title: 'This agreement is not for you',
    lines: ['This agreement is for other people at your school, so nothing has been signed.', 'Please go back to your Google Classroom assignment and open its link again. If it still shows this page, tell your teacher.'],
  },
  'wrong-course': {
    status: 409,
    title: 'This is not your class’s agreement',
    lines: [
      'This is not the agreement your class was given in Google Classroom, so nothing has been signed.',
      'Please go back to your Classroom assignment and open its link again. If it still shows this page, tell your teacher.',
    ],
  },
};

function refused(res: Response, why: PupilSignRefusal, schoolName: string): void {
  const page = REFUSALS[why];
  refuse(res, page.status, page.title, page.lines, schoolName);
}

function firstName(p: Pick<Person, 'displayName'>): string {
  return p.displayName.split(' ')[0] ?? p.displayName;
}

/**
 * The pupil sign page (A4): opened from the Classroom assignment, identified by Google sign-in (the hosted
 * domain checked against the school's own domains), signed with one button into the evidence chain.
 */
export function createPupilRouter(ctx: SignContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const discover = ctx.signIn ? discoveryCache(ctx.signIn) : null;

  async function pupilFor(req: Request, res: Response, schoolId: string) {
    const school = ctx.school(schoolId);
    if (!school) {
      refuse(res, 404, 'This page does not exist', ['Please open the link from your Google Classroom assignment again.']);
      return null;
    }
    const session = readSignedCookie<PupilSession>(req, PUPIL_COOKIE, await ctx.secret(), ctx.clock());
    if (session?.schoolId !== schoolId) return { school, pupil: null };
    const pupil = await ctx.models.people.findOne({ schoolId, personId: session.personId, role: 'pupil', active: true }).lean<Person>();
    return { school, pupil };
  }

  router.get('/sign/pupil/:schoolId/:courseId', async (req, res) => {
    const found = await pupilFor(req, res, req.params.schoolId);
    if (!found) return;
    const { school, pupil } = found;
    if (!pupil) {
      if (!discover) {
        refuse(res, 503, 'Sign-in is not set up yet', ['Please tell your teacher: Lantern needs Google sign-in to be set up by the school’s IT team.'], school.name);
        return;
      }
      const { url, start } = await startSignIn(await discover(), `${ctx.baseUrl(req)}${CALLBACK}`, school.ownDomains[0] ? { hd: school.ownDomains[0] } : {});
      const returnTo = req.originalUrl;
      setSignedCookie(res, OIDC_COOKIE, { ...start, schoolId: school.id, returnTo } satisfies SignInStart, await ctx.secret(), ctx.clock(), OIDC_SECONDS, ctx.cookies);
      res.redirect(303, url.href);
      return;
    }
    const page = await pupilSigningState(ctx.models, { schoolId: school.id, calendar: calendarOf(school), courseId: req.params.courseId, linkVersion: req.query.version }, pupil, ctx.clock());
    if (page.kind === 'refused') return refused(res, page.why, school.name);
    const version = page.version;
    if (page.kind === 'signed') {
      res.type('html').send(pupilDonePage({ schoolName: school.name, firstName: firstName(pupil), title: version.title, already: true }));
      return;
    }
    const csrf = csrfToken(req, res, await ctx.secret(), ctx.clock(), ctx.cookies);
    res.type('html').send(pupilSignPage({ schoolName: school.name, firstName: firstName(pupil), version, csrf }));
  });

  router.get(CALLBACK, async (req, res) => {
    const secret = await ctx.secret();
    const start = readSignedCookie<SignInStart>(req, OIDC_COOKIE, secret, ctx.clock());
    clearCookie(res, OIDC_COOKIE, ctx.cookies);
    const school = start ? ctx.school(start.schoolId) : undefined;
    if (!discover || !start || !school || !PUPIL_PATH.test(start.returnTo)) {
      refuse(res, 400, 'Sign-in did not finish', ['Please go back to Google Classroom and open the link again.']);
      return;
    }
    let identity;
    try {
      identity = await finishGoogleSignIn(await discover(), new URL(req.originalUrl, ctx.baseUrl(req)), start);
    } catch (err) {
      ctx.logger.warn({ schoolId: school.id, code: isLanternError(err) ? err.code : (err as { code?: string }).code, why: (err as Error).message }, 'pupil sign-in failed');
      refuse(res, 400, 'Sign-in did not finish', ['Please go back to Google Classroom and open the link again.'], school.name);
      return;
    }
    const domain = identity.email.split('@')[1] ?? '';
    if (!identity.hd || !isOwnDomain(identity.hd, school.ownDomains) || !isOwnDomain(domain, school.ownDomains) || !identity.emailVerified) {
      refuse(res, 403, `This is not a ${school.name} account`, [`Please sign in with your ${school.name} Google account.`, 'If you are at another school, your own school will send you its own link.'], school.name);
      return;
    }
    const pupil = await ctx.models.people.findOne({ schoolId: school.id, email: identity.email, role: 'pupil', active: true }).lean<Person>();
    if (!pupil) {
      refuse(res, 403, 'We could not find you on the class list', ['Please tell your teacher, so the school office can check the class list.'], school.name);
      return;
    }
    setSignedCookie(res, PUPIL_COOKIE, { schoolId: school.id, personId: pupil.personId } satisfies PupilSession, secret, ctx.clock(), PUPIL_SECONDS, ctx.cookies);
    res.redirect(303, start.returnTo);
  });

  router.post('/sign/pupil/:schoolId/:courseId', form, async (req, res) => {
    if (!csrfValid(req, await ctx.secret(), ctx.clock())) {
      csrfRefused(res);
      return;
    }
    const found = await pupilFor(req, res, req.params.schoolId);
    if (!found) return;
    const { school, pupil } = found;
    if (!pupil) {
      refuse(res, 401, 'Please sign in again', ['Your sign-in has ended. Open the link from Google Classroom again, then press I agree.'], school.name);
      return;
    }
    const link = { schoolId: school.id, calendar: calendarOf(school), courseId: req.params.courseId, linkVersion: req.query.version };
    const versionId = String((req.body as Record<string, unknown>)?.versionId ?? '');
    const result = await signAsPupil({ stores: ctx.models, clock: ctx.clock, logger: ctx.logger }, { link, pupil, versionId, client: { ...clientDetails(req), courseId: req.params.courseId } });
    if (result.kind === 'refused') return refused(res, result.why, school.name);
    const { version, created } = result;
    res.type('html').send(pupilDonePage({ schoolName: school.name, firstName: firstName(pupil), title: version.title, already: !created }));
  });

  return router;
}
