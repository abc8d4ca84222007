import type { AgreementVersion } from '../../agreements/version-model.js';
import type { ConsentState } from '../../parents/consents.js';
import type { ConsentType } from '../../parents/consent-types.js';
import { Html, html, markdownToHtml } from '../shared/html.js';
import { layout } from './layout.js';

/** The answers a parent can post: yes or no for each choice shown, and their typed name. */
export interface ParentAnswers {
  agreement?: 'yes' | 'no';
  /** By consent type id. */
  consents?: Readonly<Record<string, 'yes' | 'no' | undefined>>;
  countersign?: boolean;
  typedName?: string;
}

/** Everything the consent page shows. */
export interface ParentFormView {
  schoolName: string;
  childName: string;
  purpose: 'consent' | 'review';
  csrf: string;
  /** The school's published parent consent form (its full text is offered, and its hash kept with each answer). */
  consentForm: AgreementVersion | null;
  /** The agreement the parent signs for the child, when there is one and it is not signed yet. */
  agreement: AgreementVersion | null;
  /** Set when the parent already signed the agreement: shown as a fact, not a choice. */
  agreementSignedAt: Date | null;
  /** A KS2 child's own agreement for the parent to countersign, when there is one and it is not countersigned yet. */
  countersign: AgreementVersion | null;
  /** Set when the parent already countersigned: shown as a fact. */
  countersignedAt: Date | null;
  /** Whether the child has signed that agreement themselves. */
  pupilSigned: boolean;
  /** The consent types asked of this child's parents, in the school's order. */
  types: readonly ConsentType[];
  state: ConsentState;
  answers: ParentAnswers;
  /** By field: `agreement`, `typedName`, a consent type's id, or UNKNOWN_TYPES for answers to questions not asked. */
  errors: Readonly<Record<string, string>>;
}

/** The error key for answers posted to questions the form does not ask. */
export const UNKNOWN_TYPES = '_unknown';

function anchorOf(field: string): string {
  if (field === 'typedName') return 'typed-name';
  if (field === UNKNOWN_TYPES) return 'questions';
  return field;
}

function choice(name: string, value: 'yes' | 'no', label: string, checked: boolean, describedBy: string): Html {
  const id = `${name}-${value}`;
  return html`<div class="choice"><input type="radio" id="${id}" name="${name}" value="${value}" ${checked ? CHECKED : ''} aria-describedby="${describedBy}"><label for="${id}">${label}</label></div>`;
}

/** The bare `checked` attribute, inserted unescaped. */
const CHECKED = new Html('checked');

function errorLine(id: string, message: string | undefined): Html | string {
  return message ? html`<p class="error" id="${id}-error"><strong>Answer needed:</strong> ${message}</p>` : '';
}

function consentFieldset(type: ConsentType, view: ParentFormView): Html {
  const kind = type.id;
  const current = view.state[kind]?.decision;
  const given = current === 'given';
  const answer = view.answers.consents?.[kind] ?? (view.purpose === 'review' && current ? (given ? 'yes' : 'no') : undefined);
  const hintId = `${kind}-hint`;
  const described = view.errors[kind] ? `${hintId} ${kind}-error` : hintId;
  const status =
    view.purpose === 'review' && current ? html`<p class="status">Your answer now: ${given ? 'Yes, you agreed' : 'No'}</p>` : '';
  return html`<fieldset id="${kind}">
<legend>${type.label}</legend>
<p class="hint" id="${hintId}">${type.description}</p>
${status}${errorLine(kind, view.errors[kind])}
${choice(kind, 'yes', 'Yes, I agree', answer === 'yes', described)}
${choice(kind, 'no', given && view.purpose === 'review' ? 'No, I withdraw my consent' : 'No, I do not agree', answer === 'no', described)}
</fieldset>`;
}

function agreementSection(view: ParentFormView): Html | string {
  if (view.agreementSignedAt) {
    return html`<p class="done">You signed the class agreement for ${view.childName} on ${view.agreementSignedAt.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })}.</p>`;
  }
  if (!view.agreement) return '';
  const described = view.errors.agreement ? 'agreement-hint agreement-error' : 'agreement-hint';
  return html`<fieldset id="agreement">
<legend>${view.agreement.title}</legend>
<p class="hint" id="agreement-hint">Please read this with ${view.childName}. You sign it for them.</p>
<div class="agreement" id="agreement-text">${markdownToHtml(view.agreement.body)}</div>
<p><button type="button" class="button secondary" id="read-aloud" aria-pressed="false" hidden>Read it to me</button></p>
${errorLine('agreement', view.errors.agreement)}
${choice('agreement', 'yes', `I agree on behalf of ${view.childName}`, view.answers.agreement === 'yes', described)}
${choice('agreement', 'no', 'I do not agree', view.answers.agreement === 'no', described)}
</fieldset>`;
}

function longDate(d: Date): string {
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
}

function countersignSection(view: ParentFormView): Html | string {
  if (view.countersignedAt) return html`<p class="done">You countersigned ${view.childName}’s agreement on ${longDate(view.countersignedAt)}.</p>`;
  if (!view.countersign) return '';
  const child = view.pupilSigned ? `${view.childName} has signed it at school.` : `${view.childName} has not signed it at school yet.`;
  return html`<fieldset id="countersign">
<legend>${view.countersign.title}</legend>
<p class="hint" id="countersign-hint">Your child signs this agreement themselves. ${child} Please read it together; you can add your signature to show you have talked it through.</p>
<details class="full-text"><summary>Read ${view.childName}’s agreement</summary><div class="agreement" id="countersign-text">${markdownToHtml(view.countersign.body)}</div></details>
<div class="choice"><input type="checkbox" id="countersign-yes" name="countersign" value="yes" ${view.answers.countersign ? CHECKED : ''} aria-describedby="countersign-hint"><label for="countersign-yes">I have read it with ${view.childName} and I countersign it</label></div>
</fieldset>`;
}

const SAID_BEFORE: Readonly<Record<string, string>> = { given: 'yes', refused: 'no', withdrawn: 'no (withdrawn)' };

/** Answers the school keeps for questions it no longer asks: shown on a review link so the parent knows they are still held. */
function noLongerAsked(view: ParentFormView): Html | string {
  if (view.purpose !== 'review') return '';
  const asked = new Set(view.types.map((t) => t.id));
  const kept = Object.values(view.state).filter((r) => r && r.kind !== 'agreement' && !asked.has(r.kind));
  if (kept.length === 0) return '';
  return html`<section aria-labelledby="no-longer-asked"><h2 id="no-longer-asked">Questions we no longer ask</h2>
<p>The school keeps your earlier answers to these, but no longer asks them. There is nothing you need to do.</p>
<ul>${kept.map((r) => html`<li>${r?.kind ?? ''}: ${SAID_BEFORE[r?.decision ?? ''] ?? ''}</li>`)}</ul></section>`;
}

/** The parent consent page: each consent a separate choice, and the typed name as signature. */
export function parentFormPage(view: ParentFormView): string {
  const errorCount = Object.keys(view.errors).length;
  const summary = errorCount
    ? html`<div class="error" role="alert"><h2>Please check ${errorCount === 1 ? 'one answer' : `${errorCount} answers`}</h2><ul>${Object.entries(view.errors).map(
        ([field, message]) => html`<li><a href="#${anchorOf(field)}">${message}</a></li>`,
      )}</ul></div>`
    : '';
  const title = view.purpose === 'review' ? `Check or change your consent for ${view.childName}` : `Consent for ${view.childName}`;
  const intro =
    view.purpose === 'review'
      ? 'Here are your answers. You can change any of them. If you say no to something you agreed to before, we record that you have withdrawn your consent.'
      : 'Please answer each question. Each one is a separate choice: you can say yes to one and no to another.';
  const nameHint = errorLine('typed-name', view.errors.typedName);
  const body = html`<h1>${title}</h1>
${summary}
<p>${intro}</p>
<form method="post" action="" novalidate>
<input type="hidden" name="_csrf" value="${view.csrf}">
${agreementSection(view)}
${countersignSection(view)}
${view.consentForm ? html`<details class="full-text"><summary>Read the full consent form: ${view.consentForm.title}</summary><div class="agreement">${markdownToHtml(view.consentForm.body)}</div></details>` : ''}
<div id="questions">${view.errors[UNKNOWN_TYPES] ? html`<p class="error" id="questions-error"><strong>Please check:</strong> ${view.errors[UNKNOWN_TYPES]}</p>` : ''}
${view.types.map((t) => consentFieldset(t, view))}
</div>
${noLongerAsked(view)}
<label class="field" for="typed-name">Type your full name to sign</label>
<p class="hint" id="typed-name-hint">Typing your name counts as your signature.</p>
${nameHint}
<input type="text" id="typed-name" name="typedName" autocomplete="name" maxlength="100" value="${view.answers.typedName ?? ''}" aria-describedby="typed-name-hint${view.errors.typedName ? ' typed-name-error' : ''}" required>
<div class="actions"><button type="submit" class="button">Send my answers</button></div>
</form>`;
  return layout({ title, body, script: Boolean(view.agreement && !view.agreementSignedAt), schoolName: view.schoolName });
}

/** The page after a parent's answers are recorded. */
export function parentDonePage(opts: { schoolName: string; childName: string; lines: readonly string[] }): string {
  const body = html`<div class="done" role="status"><h1>Thank you – your answers are saved</h1></div>
<p>We have recorded your answers for ${opts.childName}:</p>
<ul>${opts.lines.map((l) => html`<li>${l}</li>`)}</ul>
<p>This link now stops working. If you want to change an answer later, ask the school office for a new link.</p>`;
  return layout({ title: 'Your answers are saved', body, schoolName: opts.schoolName });
}
