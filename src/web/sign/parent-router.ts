import express, { Router, type Request, type Response } from 'express';
import type { Person } from '../../directory/person.js';
import type { ConsentDecision, ConsentKind } from '../../parents/consent-model.js';
import { appendConsent, currentConsents } from '../../parents/consents.js';
import { linkIsCurrent } from '../../parents/link-status.js';
import { checkToken, spendToken, type TokenProblem } from '../../parents/tokens.js';
import { hasSigned, parentConsentVersion, parentSignedAgreement, sign } from './agreement-versions.js';
import { clientDetails, type SignContext } from './context.js';
import { csrfToken, csrfValid } from './csrf.js';
import { messagePage } from './html.js';
import { parentDonePage, parentFormPage, type ParentAnswers, type ParentFormView } from './parent-pages.js';

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

/** The page when a form arrives without its security token (an old tab, or a forged post). */
export function csrfRefused(res: Response): void {
  res
    .status(403)
    .type('html')
    .send(
      messagePage({
        title: 'We could not accept this form',
        lines: ['Nothing was saved. The form was missing its security check, which can happen if the page was open for a long time.', 'Please go back, reload the page and try again.'],
      }),
    );
}

function answer(body: Record<string, unknown>, key: string): 'yes' | 'no' | undefined {
  const v = body[key];
  return v === 'yes' || v === 'no' ? v : undefined;
}

function decisionFor(yes: boolean, previous: ConsentDecision | undefined): ConsentDecision {
  if (yes) return 'given';
  return previous === 'given' ? 'withdrawn' : 'refused';
}

const LABELS: Record<ConsentKind, string> = { agreement: 'The class agreement', internet: 'Using the internet at school', photos: 'Photos on the school website' };
const SAID: Record<ConsentDecision, string> = { given: 'yes', refused: 'no', withdrawn: 'no – consent withdrawn' };

/** Parent pages (A5): GET shows the consent form for a single-use link; POST records the answers and spends the link. */
export function createParentRouter(ctx: SignContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  async function load(req: Request, res: Response) {
    const now = ctx.clock();
    const check = await checkToken(ctx.models, String(req.params.token ?? ''), now);
    if (!check.ok) {
      problem(res, check.problem);
      return null;
    }
    const t = check.token;
    const school = ctx.school(t.schoolId);
    if (!school) {
      problem(res, 'invalid');
      return null;
    }
    // Checked on every load and submit: a parent who left, or whose link to the child was removed, loses the page at once.
    const pupil = await ctx.models.people.findOne({ schoolId: t.schoolId, personId: t.pupilId, active: true }).lean<Person>();
    if (!pupil || !(await linkIsCurrent(ctx.models, t))) {
      problem(res, 'revoked', school.name);
      return null;
    }
    const agreement = await parentSignedAgreement(ctx.models, t.schoolId, pupil);
    const signed = agreement ? await hasSigned(ctx.models, t.schoolId, agreement._id, t.parentId, pupil.personId) : false;
    const state = await currentConsents(ctx.models, t.schoolId, pupil.personId);
    const consentForm = await parentConsentVersion(ctx.models, t.schoolId);
    return { now, t, school, pupil, consentForm, agreement: signed ? null : agreement, agreementSignedAt: signed ? (state.agreement?.at ?? now) : null, state };
  }

  router.get('/parents/consent/:token', async (req, res) => {
    const loaded = await load(req, res);
    if (!loaded) return;
    const view: ParentFormView = {
      schoolName: loaded.school.name,
      childName: loaded.pupil.displayName,
      purpose: loaded.t.purpose as 'consent' | 'review',
      csrf: csrfToken(req, res, await ctx.secret(), loaded.now, ctx.cookies),
      consentForm: loaded.consentForm,
      agreement: loaded.agreement,
      agreementSignedAt: loaded.agreementSignedAt,
      state: loaded.state,
      answers: {},
      errors: {},
    };
    res.type('html').send(parentFormPage(view));
  });

  router.post('/parents/consent/:token', form, async (req, res) => {
    if (!csrfValid(req, await ctx.secret(), ctx.clock())) {
      csrfRefused(res);
      return;
    }
    const loaded = await load(req, res);
    if (!loaded) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const answers: ParentAnswers = {
      agreement: answer(body, 'agreement'),
      internet: answer(body, 'internet'),
      photos: answer(body, 'photos'),
      typedName: typeof body.typedName === 'string' ? body.typedName.trim().replace(/\s+/g, ' ') : '',
    };
    const errors: ParentFormView['errors'] = {};
    if (loaded.agreement && !answers.agreement) errors.agreement = 'Choose yes or no for the class agreement.';
    if (!answers.internet) errors.internet = 'Choose yes or no for using the internet at school.';
    if (!answers.photos) errors.photos = 'Choose yes or no for photos on the website.';
    if (!answers.typedName || answers.typedName.length < 2) errors.typedName = 'Type your full name to sign.';
    if (Object.keys(errors).length) {
      const csrf = csrfToken(req, res, await ctx.secret(), loaded.now, ctx.cookies);
      res.status(400).type('html').send(parentFormPage({ schoolName: loaded.school.name, childName: loaded.pupil.displayName, purpose: loaded.t.purpose as 'consent' | 'review', csrf, consentForm: loaded.consentForm, agreement: loaded.agreement, agreementSignedAt: loaded.agreementSignedAt, state: loaded.state, answers, errors }));
      return;
    }
    // Spend first: the unique insert decides which of two submissions (a double click) is recorded.
    if (!(await spendToken(ctx.models, loaded.t._id, loaded.t.schoolId, loaded.now))) {
      problem(res, 'used', loaded.school.name);
      return;
    }
    const client = clientDetails(req);
    const base = { schoolId: loaded.t.schoolId, pupilId: loaded.pupil.personId, parentId: loaded.t.parentId, typedName: answers.typedName as string, tokenHash: loaded.t._id, client };
    const lines: string[] = [];
    const log = ctx.logger.child({ schoolId: loaded.t.schoolId, parentId: loaded.t.parentId, pupilId: loaded.pupil.personId });
    if (loaded.agreement && answers.agreement) {
      const decision = decisionFor(answers.agreement === 'yes', loaded.state.agreement?.decision);
      if (decision === 'given') {
        await sign(ctx.models, { schoolId: base.schoolId, versionId: loaded.agreement._id, signerId: base.parentId, onBehalfOfId: base.pupilId, channel: 'parent-link', client: { ...client, typedName: base.typedName } }, ctx.clock);
      }
      await appendConsent(ctx.models, { ...base, kind: 'agreement', decision, versionHash: loaded.agreement.hash }, loaded.now);
      lines.push(`${LABELS.agreement}: ${SAID[decision]}`);
    }
    for (const kind of ['internet', 'photos'] as const) {
      const previous = loaded.state[kind]?.decision;
      const decision = decisionFor(answers[kind] === 'yes', previous);
      // A review link records only what changed; the first answers are always recorded.
      if (loaded.t.purpose === 'review' && previous !== undefined && (decision === previous || (decision === 'refused' && previous === 'withdrawn'))) {
        lines.push(`${LABELS[kind]}: ${SAID[previous]} (unchanged)`);
        continue;
      }
      await appendConsent(ctx.models, { ...base, kind, decision, ...(loaded.consentForm ? { versionHash: loaded.consentForm.hash } : {}) }, loaded.now);
      lines.push(`${LABELS[kind]}: ${SAID[decision]}`);
    }
    log.info({ purpose: loaded.t.purpose }, 'parent consent recorded');
    res.type('html').send(parentDonePage({ schoolName: loaded.school.name, childName: loaded.pupil.displayName, lines }));
  });

  return router;
}
