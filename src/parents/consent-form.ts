import type { School } from '../config/load.js';
import type { Models } from '../stores.js';
import type { Person } from '../directory/person.js';
import type { Logger } from '../log/logger.js';
import { calendarOf } from '../agreements/academic-year.js';
import { countersign, countersignedAgreement, findCountersignature, hasSigned, parentConsentVersion, parentSignedAgreement, sign } from '../agreements/signing.js';
import type { AgreementVersion } from '../agreements/version-model.js';
import { AGREEMENT_KIND, type ConsentDecision, type ConsentKind } from './consent-model.js';
import { consentTypesFor, type ConsentType } from './consent-types.js';
import { appendConsent, currentConsents, type ConsentState } from './consents.js';
import { linkIsCurrent } from './link-status.js';
import type { LinkToken } from './token-model.js';
import { checkToken, spendToken, type TokenProblem } from './tokens.js';

/** The stores the parent consent form reads and writes. */
export type ConsentFormStores = Pick<
  Models,
  'integrity' | 'people' | 'parentLinks' | 'parentLinkTokens' | 'parentTokenUses' | 'parentConsents' | 'agreementVersions' | 'agreementSignatures' | 'agreementChainHeads' | 'agreementOpenRequests'
>;

/** What the consent form use cases are given (by the parent pages, or a test). */
export interface ConsentFormDeps {
  stores: ConsentFormStores;
  clock: () => Date;
  logger: Logger;
  school(schoolId: string): School | undefined;
}

/** A parent link that may be used: who it is for, and what the form asks. */
export interface OpenConsentForm {
  now: Date;
  token: LinkToken & { _id: string };
  school: School;
  pupil: Person;
  /** The published consent form (internet and photos), when there is one. */
  consentForm: AgreementVersion | null;
  /** The agreement the parent is asked to sign for the child; null when there is none or it is already signed. */
  agreement: AgreementVersion | null;
  /** When the parent signed the agreement, if they have. */
  agreementSignedAt: Date | null;
  /** A KS2 pupil's own agreement, for the parent to countersign; null when there is none or it is countersigned. */
  countersign: AgreementVersion | null;
  /** When the parent countersigned the child's agreement, if they have. */
  countersignedAt: Date | null;
  /** Whether the child has signed the agreement the parent countersigns (shown to the parent). */
  pupilSigned: boolean;
  /** The consent types this pupil's parents are asked, in the school's order. */
  types: ConsentType[];
  state: ConsentState;
}

/** Why a link cannot be used (with the school's name when it is known), or the open form. */
export type ConsentFormOpening = { ok: true; form: OpenConsentForm } | { ok: false; problem: TokenProblem; schoolName?: string };

/**
 * Opens the form a single-use link names. Checked on every load and submit: a parent who left, or whose link to
 * the child was removed, loses the page at once.
 */
export async function openConsentForm(deps: ConsentFormDeps, rawToken: string): Promise<ConsentFormOpening> {
  const { stores } = deps;
  const now = deps.clock();
  const check = await checkToken(stores, rawToken, now);
  if (!check.ok) return { ok: false, problem: check.problem };
  const token = check.token;
  const school = deps.school(token.schoolId);
  if (!school) return { ok: false, problem: 'invalid' };
  const pupil = await stores.people.findOne({ schoolId: token.schoolId, personId: token.pupilId, active: true }).lean<Person>();
  if (!pupil || !(await linkIsCurrent(stores, token))) return { ok: false, problem: 'revoked', schoolName: school.name };
  const agreement = await parentSignedAgreement(stores, token.schoolId, pupil);
  const signed = agreement ? await hasSigned(stores, token.schoolId, agreement._id, { signerId: token.parentId, onBehalfOfId: pupil.personId }, now, calendarOf(school)) : false;
  const state = await currentConsents(stores, token.schoolId, pupil.personId);
  const consentForm = await parentConsentVersion(stores, token.schoolId);
  const pupilAgreement = await countersignedAgreement(stores, token.schoolId, pupil);
  const countersigned = pupilAgreement ? await findCountersignature(stores, pupilAgreement, { parentId: token.parentId, pupilId: pupil.personId }, now, calendarOf(school)) : null;
  const pupilSigned = pupilAgreement ? await hasSigned(stores, token.schoolId, pupilAgreement._id, { signerId: pupil.personId, onBehalfOfId: null }, now, calendarOf(school)) : false;
  return {
    ok: true,
    form: {
      now,
      token,
      school,
      pupil,
      consentForm,
      agreement: signed ? null : agreement,
      agreementSignedAt: signed ? (state.agreement?.at ?? now) : null,
      countersign: countersigned ? null : pupilAgreement,
      countersignedAt: countersigned ? countersigned.signedAt : null,
      pupilSigned,
      types: consentTypesFor(school, pupil),
      state,
    },
  };
}

/** A yes or no as posted; undefined when the question was left unanswered (or the value was not yes or no). */
export type YesNo = 'yes' | 'no' | undefined;

/** A parent's yes/no answers and typed name, as posted. */
export interface ConsentAnswers {
  agreement: YesNo;
  /** True when the parent ticked the box to countersign their child's own agreement (optional). */
  countersign?: boolean;
  /** The answer to each consent type, by its id: every id posted, including any the form did not ask. */
  consents: Readonly<Record<string, YesNo>>;
  typedName: string;
}

/** An answer the form still needs: `agreement`, `typedName`, or a consent type's id. */
export type ConsentField = string;

/** What now stands for one question; `unchanged` when a review link left it as it was. */
export interface ConsentOutcome {
  kind: ConsentKind;
  decision: ConsentDecision;
  unchanged: boolean;
}

/** The result of a submission, for the parent pages to render. */
export type ConsentSubmission =
  | { kind: 'problem'; problem: TokenProblem; schoolName?: string }
  /** Answers to consent types the form did not ask (removed from the config, not for this child, or made up): nothing recorded. */
  | { kind: 'unknown-types'; form: OpenConsentForm; unknown: string[] }
  | { kind: 'incomplete'; form: OpenConsentForm; missing: ConsentField[] }
  | { kind: 'recorded'; form: OpenConsentForm; outcomes: ConsentOutcome[]; countersigned: boolean };

function decisionFor(yes: boolean, previous: ConsentDecision | undefined): ConsentDecision {
  if (yes) return 'given';
  return previous === 'given' ? 'withdrawn' : 'refused';
}

function missingAnswers(form: OpenConsentForm, answers: ConsentAnswers): ConsentField[] {
  const missing: ConsentField[] = [];
  if (form.agreement && !answers.agreement) missing.push('agreement');
  for (const type of form.types) if (!answers.consents[type.id]) missing.push(type.id);
  if (!answers.typedName || answers.typedName.length < 2) missing.push('typedName');
  return missing;
}

/**
 * Records a parent's answers and spends the link: signs the agreement for the child when the parent says yes,
 * countersigns a KS2 child's own agreement when the parent ticks the box, and appends each consent answer (a review link records only what changed; first answers are always recorded).
 */
export async function submitConsent(deps: ConsentFormDeps, input: { token: string; answers: ConsentAnswers; client: { ip: string; userAgent: string } }): Promise<ConsentSubmission> {
  const opened = await openConsentForm(deps, input.token);
  if (!opened.ok) return { kind: 'problem', problem: opened.problem, ...(opened.schoolName ? { schoolName: opened.schoolName } : {}) };
  const { form } = opened;
  const { answers, client } = input;
  const asked = new Set(form.types.map((t) => t.id));
  const unknown = Object.keys(answers.consents).filter((id) => !asked.has(id));
  if (unknown.length) return { kind: 'unknown-types', form, unknown };
  const missing = missingAnswers(form, answers);
  if (missing.length) return { kind: 'incomplete', form, missing };
  // Spend first: the unique insert decides which of two submissions (a double click) is recorded.
  if (!(await spendToken(deps.stores, form.token._id, form.token.schoolId, form.now))) return { kind: 'problem', problem: 'used', schoolName: form.school.name };
  const base = { schoolId: form.token.schoolId, pupilId: form.pupil.personId, parentId: form.token.parentId, typedName: answers.typedName, tokenHash: form.token._id, client };
  const outcomes: ConsentOutcome[] = [];
  if (form.agreement && answers.agreement) {
    const decision = decisionFor(answers.agreement === 'yes', form.state.agreement?.decision);
    if (decision === 'given') {
      await sign(deps.stores, { schoolId: base.schoolId, versionId: form.agreement._id, signerId: base.parentId, onBehalfOfId: base.pupilId, channel: 'parent-link', client: { ...client, typedName: base.typedName } }, calendarOf(form.school), deps.clock);
    }
    await appendConsent(deps.stores, { ...base, kind: AGREEMENT_KIND, decision, versionHash: form.agreement.hash }, form.now);
    outcomes.push({ kind: AGREEMENT_KIND, decision, unchanged: false });
  }
  const countersigned = Boolean(form.countersign && answers.countersign);
  if (form.countersign && countersigned) {
    await countersign(deps.stores, { schoolId: base.schoolId, versionId: form.countersign._id, parentId: base.parentId, pupilId: base.pupilId, client: { ...client, typedName: base.typedName } }, calendarOf(form.school), deps.clock);
  }
  for (const { id: kind } of form.types) {
    const previous = form.state[kind]?.decision as ConsentDecision | undefined;
    const decision = decisionFor(answers.consents[kind] === 'yes', previous);
    if (form.token.purpose === 'review' && previous !== undefined && (decision === previous || (decision === 'refused' && previous === 'withdrawn'))) {
      outcomes.push({ kind, decision: previous, unchanged: true });
      continue;
    }
    await appendConsent(deps.stores, { ...base, kind, decision, ...(form.consentForm ? { versionHash: form.consentForm.hash } : {}) }, form.now);
    outcomes.push({ kind, decision, unchanged: false });
  }
  deps.logger.child({ schoolId: base.schoolId, parentId: base.parentId, pupilId: base.pupilId }).info({ purpose: form.token.purpose, countersigned }, 'parent consent recorded');
  return { kind: 'recorded', form, outcomes, countersigned };
}
