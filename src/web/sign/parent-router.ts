import express, { Router, type Response } from 'express';
import type { ConsentDecision, ConsentKind } from '../../parents/consent-model.js';
import { openConsentForm, submitConsent, type ConsentAnswers, type ConsentField, type ConsentFormDeps, type ConsentOutcome, type OpenConsentForm } from '../../parents/consent-form.js';
import type { TokenProblem } from '../../parents/tokens.js';
import { csrfToken, csrfValid } from '../shared/csrf.js';
import { clientDetails, type SignContext } from './context.js';
import { csrfRefused, messagePage } from './layout.js';
import { parentDonePage, parentFormPage, type ParentFormView } from './parent-pages.js';

const PROBLEM_PAGES: Record<TokenProblem, { status: number; title: string; lines: string[] }> = {
  invalid: {
    status: 404,
    title: 'This link does not work',
    lines: ['The link may have been copied wrongly or changed.', 'Please open the link straight from the school’s email, or ask the school office to send a new one.'],
  },
  expired: {
    status: 410,
    title: 'This link has expired',
    lines: ['For your child’s safety, links only work for a limited time.', 'Please ask the school office to send you a new link.'],
  },
  used: {
    status: 410,
    title: 'This link has already been used',
    lines: ['Each link works once, and your answers were already sent with this one.', 'To change an answer, ask the school office for a new link.'],
  },
  revoked: {
    status: 410,
    title: 'This link no longer works',
    lines: ['The school’s records have changed since this link was sent, so nothing can be saved with it.', 'If you still look after this child, please ask the school office to check their records and send you a new link.'],
  },
};

function problem(res: Response, kind: TokenProblem, schoolName?: string): void {
  const page = PROBLEM_PAGES[kind];
  res.status(page.status).type('html').send(messagePage({ title: page.title, lines: page.lines, schoolName }));
}

function answer(body: Record<string, unknown>, key: string): 'yes' | 'no' | undefined {
  const v = body[key];
  return v === 'yes' || v === 'no' ? v : undefined;
}

const LABELS: Record<ConsentKind, string> = { agreement: 'The class agreement', internet: 'Using the internet at school', photos: 'Photos on the school website' };
const SAID: Record<ConsentDecision, string> = { given: 'yes', refused: 'no', withdrawn: 'no – consent withdrawn' };

const ERRORS: Record<ConsentField, string> = {
  agreement: 'Choose yes or no for the class agreement.',
  internet: 'Choose yes or no for using the internet at school.',
  photos: 'Choose yes or no for photos on the website.',
  typedName: 'Type your full name to sign.',
};

function outcomeLine(o: ConsentOutcome): string {
  return `${LABELS[o.kind]}: ${SAID[o.decision]}${o.unchanged ? ' (unchanged)' : ''}`;
}

function formView(form: OpenConsentForm, csrf: string, answers: ParentFormView['answers'], errors: ParentFormView['errors']): ParentFormView {
  return {
    schoolName: form.school.name,
    childName: form.pupil.displayName,
    purpose: form.token.purpose as 'consent' | 'review',
    csrf,
    consentForm: form.consentForm,
    agreement: form.agreement,
    agreementSignedAt: form.agreementSignedAt,
    countersign: form.countersign,
    countersignedAt: form.countersignedAt,
    pupilSigned: form.pupilSigned,
    state: form.state,
    answers,
    errors,
  };
}

/** Parent pages (A5): GET shows the consent form for a single-use link; POST hands the answers to the consent use case. */
export function createParentRouter(ctx: SignContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  const deps: ConsentFormDeps = { stores: ctx.models, clock: ctx.clock, logger: ctx.logger, school: ctx.school };

  router.get('/parents/consent/:token', async (req, res) => {
    const opened = await openConsentForm(deps, String(req.params.token ?? ''));
    if (!opened.ok) return problem(res, opened.problem, opened.schoolName);
    const csrf = csrfToken(req, res, await ctx.secret(), opened.form.now, ctx.cookies);
    res.type('html').send(parentFormPage(formView(opened.form, csrf, {}, {})));
  });

  router.post('/parents/consent/:token', form, async (req, res) => {
    if (!csrfValid(req, await ctx.secret(), ctx.clock())) return csrfRefused(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const answers: ConsentAnswers = {
      agreement: answer(body, 'agreement'),
      internet: answer(body, 'internet'),
      photos: answer(body, 'photos'),
      countersign: body.countersign === 'yes',
      typedName: typeof body.typedName === 'string' ? body.typedName.trim().replace(/\s+/g, ' ') : '',
    };
    const result = await submitConsent(deps, { token: String(req.params.token ?? ''), answers, client: clientDetails(req) });
    if (result.kind === 'problem') return problem(res, result.problem, result.schoolName);
    if (result.kind === 'incomplete') {
      const csrf = csrfToken(req, res, await ctx.secret(), result.form.now, ctx.cookies);
      const errors = Object.fromEntries(result.missing.map((field) => [field, ERRORS[field]]));
      return void res.status(400).type('html').send(parentFormPage(formView(result.form, csrf, answers, errors)));
    }
    res.type('html').send(parentDonePage({ schoolName: result.form.school.name, childName: result.form.pupil.displayName, lines: [...(result.countersigned ? [`${result.form.countersign?.title ?? 'Your child’s agreement'}: countersigned`] : []), ...result.outcomes.map(outcomeLine)] }));
  });

  return router;
}
