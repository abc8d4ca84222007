import express, { Router, type Response } from 'express';
import type { ConsentDecision } from '../../parents/consent-model.js';
import { openConsentForm, submitConsent, type ConsentAnswers, type ConsentField, type ConsentFormDeps, type ConsentOutcome, type OpenConsentForm, type YesNo } from '../../parents/consent-form.js';
import { consentLabel } from '../../parents/consent-types.js';
import type { TokenProblem } from '../../parents/tokens.js';
import { csrfToken, csrfValid } from '../shared/csrf.js';
import { clientDetails, type SignContext } from './context.js';
import { csrfRefused, messagePage } from './layout.js';
import { parentDonePage, parentFormPage, UNKNOWN_TYPES, type ParentFormView } from './parent-pages.js';

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

function answer(body: Record<string, unknown>, key: string): YesNo {
  const v = body[key];
  return v === 'yes' || v === 'no' ? v : undefined;
}

/** Posted fields that are not consent answers; every other field is read as the answer to a consent type of that id. */
const FORM_FIELDS = new Set(['_csrf', 'agreement', 'countersign', 'typedName']);

const SAID: Record<ConsentDecision, string> = { given: 'yes', refused: 'no', withdrawn: 'no – consent withdrawn' };

function errorFor(form: OpenConsentForm, field: ConsentField): string {
  if (field === 'agreement') return 'Choose yes or no for the class agreement.';
  if (field === 'typedName') return 'Type your full name to sign.';
  return `Choose yes or no for “${form.types.find((t) => t.id === field)?.label ?? field}”.`;
}

function outcomeLine(form: OpenConsentForm, o: ConsentOutcome): string {
  return `${consentLabel(form.school, o.kind)}: ${SAID[o.decision]}${o.unchanged ? ' (unchanged)' : ''}`;
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
    types: form.types,
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
      consents: Object.fromEntries(Object.keys(body).filter((k) => !FORM_FIELDS.has(k)).map((k) => [k, answer(body, k)])),
      countersign: body.countersign === 'yes',
      typedName: typeof body.typedName === 'string' ? body.typedName.trim().replace(/\s+/g, ' ') : '',
    };
    const result = await submitConsent(deps, { token: String(req.params.token ?? ''), answers, client: clientDetails(req) });
    if (result.kind === 'problem') return problem(res, result.problem, result.schoolName);
    if (result.kind === 'incomplete') {
      const csrf = csrfToken(req, res, await ctx.secret(), result.form.now, ctx.cookies);
      const errors = Object.fromEntries(result.missing.map((field) => [field, errorFor(result.form, field)]));
      return void res.status(400).type('html').send(parentFormPage(formView(result.form, csrf, answers, errors)));
    }
    if (result.kind === 'unknown-types') {
      // Usually a page left open while the school changed its questions: nothing is saved and the link still works.
      const csrf = csrfToken(req, res, await ctx.secret(), result.form.now, ctx.cookies);
      const names = result.unknown.map((id) => `“${id.slice(0, 40)}”`).join(', ');
      const errors = { [UNKNOWN_TYPES]: `This form does not ask about ${names}, so nothing was saved. The school may have changed its questions since the page was opened: please answer the questions below and send your answers again.` };
      const known = new Set(result.form.types.map((t) => t.id));
      const kept = { ...answers, consents: Object.fromEntries(Object.entries(answers.consents).filter(([id]) => known.has(id))) };
      return void res.status(400).type('html').send(parentFormPage(formView(result.form, csrf, kept, errors)));
    }
    const { form: done } = result;
    res.type('html').send(parentDonePage({ schoolName: done.school.name, childName: done.pupil.displayName, lines: [...(result.countersigned ? [`${done.countersign?.title ?? 'Your child’s agreement'}: countersigned`] : []), ...result.outcomes.map((o) => outcomeLine(done, o))] }));
  });

  return router;
}
