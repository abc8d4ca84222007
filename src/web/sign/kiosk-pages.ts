import type { AgreementVersion } from '../../agreements/version-model.js';
import { html, markdownToHtml, type Html } from '../shared/html.js';
import { layout } from './layout.js';

/** What a visitor typed, kept when the form comes back. */
export interface KioskAnswers {
  name: string;
  organisation: string;
  agreed: boolean;
}

/** A problem with one answer: the field it belongs to and what to do. */
export interface KioskFieldError {
  field: 'visitor-name' | 'agree';
  text: string;
}

/** Everything the reception kiosk page shows. */
export interface KioskSignView {
  schoolName: string;
  version: AgreementVersion;
  csrf: string;
  formId: string;
  answers: KioskAnswers;
  errors?: readonly KioskFieldError[];
  /** Set when the policy changed between showing the page and signing it: the visitor reads the new version. */
  changed?: boolean;
}

function fieldError(view: KioskSignView, field: KioskFieldError['field']): KioskFieldError | undefined {
  return view.errors?.find((e) => e.field === field);
}

/** The kiosk page: the exact text of the policy's current version, then name, organisation and "I have read and agree". */
export function kioskSignPage(view: KioskSignView): string {
  const errors = view.errors ?? [];
  const summary = errors.length
    ? html`<div class="error" role="alert"><h2>Please check ${errors.length === 1 ? 'one answer' : 'these answers'}</h2><ul>${errors.map((e) => html`<li><a href="#${e.field}">${e.text}</a></li>`)}</ul></div>`
    : '';
  const changed = view.changed
    ? html`<div class="error" role="alert"><h2>This agreement has just been updated</h2><p>Nothing was signed. Please read the new version below, then sign it.</p></div>`
    : '';
  const nameError = fieldError(view, 'visitor-name');
  const agreeError = fieldError(view, 'agree');
  const line = (e: KioskFieldError | undefined, id: string): Html | string => (e ? html`<p class="error" id="${id}"><strong>Answer needed:</strong> ${e.text}</p>` : '');
  const body = html`<h1>${view.version.title}</h1>
${changed}${summary}
<p>Welcome to ${view.schoolName}. Please read this agreement. Then give your name, tick the box and press <strong>I agree</strong>.</p>
<div class="agreement" id="agreement-text">${markdownToHtml(view.version.body)}</div>
<p class="hint">Version ${String(view.version.number)}, in use from ${view.version.effectiveDate.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })}.</p>
<form method="post" action="" novalidate>
<input type="hidden" name="_csrf" value="${view.csrf}">
<input type="hidden" name="versionId" value="${view.version._id}">
<input type="hidden" name="formId" value="${view.formId}">
<label class="field" for="visitor-name">Your full name</label>
${line(nameError, 'visitor-name-error')}
<input type="text" id="visitor-name" name="name" autocomplete="name" maxlength="100" value="${view.answers.name}" ${nameError ? html`aria-describedby="visitor-name-error" aria-invalid="true"` : ''} required>
<label class="field" for="organisation">Your organisation (optional)</label>
<p class="hint" id="organisation-hint">For example the company you work for, or “parent helper”.</p>
<input type="text" id="organisation" name="organisation" autocomplete="organization" maxlength="100" value="${view.answers.organisation}" aria-describedby="organisation-hint">
${line(agreeError, 'agree-error')}
<div class="choice"><input type="checkbox" id="agree" name="agree" value="yes" ${view.answers.agreed ? html`checked` : ''} aria-describedby="agree-hint${agreeError ? ' agree-error' : ''}"><label for="agree">I have read this agreement and I agree to it</label></div>
<p class="hint" id="agree-hint">We keep your name and organisation with the date and this version of the agreement. Nobody else signing here can see them.</p>
<div class="actions"><button type="submit" class="button">I agree</button></div>
</form>`;
  return layout({ title: view.version.title, body, schoolName: view.schoolName });
}

/** The page after a visitor signs: their own signature only, and a way to hand the screen to the next visitor. */
export function kioskDonePage(opts: { schoolName: string; title: string; signedAt: Date; again: string }): string {
  const body = html`<div class="done" role="status"><h1>Thank you – you have signed</h1></div>
<p>We have recorded that you agreed to “${opts.title}” on ${opts.signedAt.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })}.</p>
<p>You can close this page. Enjoy your visit.</p>
<div class="actions"><a class="button secondary" href="${opts.again}">Next visitor: start again</a></div>`;
  return layout({ title: 'You have signed', body, schoolName: opts.schoolName });
}
