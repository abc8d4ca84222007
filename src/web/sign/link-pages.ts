import type { AgreementVersion } from '../../agreements/version-model.js';
import { html, markdownToHtml } from '../shared/html.js';
import { layout } from './layout.js';

/** Everything the emailed-link sign page shows. */
export interface LinkSignView {
  schoolName: string;
  version: AgreementVersion;
  csrf: string;
  typedName: string;
  /** Set when the form came back without a typed name. */
  error?: string | undefined;
}

/** The page an emailed link opens: the exact text of the version, and the typed name as signature. */
export function linkSignPage(view: LinkSignView): string {
  const error = view.error
    ? html`<div class="error" role="alert"><h2>Please check one answer</h2><ul><li><a href="#typed-name">${view.error}</a></li></ul></div>`
    : '';
  const described = view.error ? 'typed-name-hint typed-name-error' : 'typed-name-hint';
  const body = html`<h1>${view.version.title}</h1>
${error}
<p>Please read this agreement. When you have read it, type your name and press <strong>I agree</strong>.</p>
<div class="agreement" id="agreement-text">${markdownToHtml(view.version.body)}</div>
<p class="hint">Version ${String(view.version.number)}, in use from ${view.version.effectiveDate.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })}.</p>
<form method="post" action="" novalidate>
<input type="hidden" name="_csrf" value="${view.csrf}">
<label class="field" for="typed-name">Type your full name to sign</label>
<p class="hint" id="typed-name-hint">Typing your name counts as your signature. We keep it with the date and this version of the agreement.</p>
${view.error ? html`<p class="error" id="typed-name-error"><strong>Answer needed:</strong> ${view.error}</p>` : ''}
<input type="text" id="typed-name" name="typedName" autocomplete="name" maxlength="100" value="${view.typedName}" aria-describedby="${described}" required>
<div class="actions"><button type="submit" class="button">I agree</button></div>
</form>`;
  return layout({ title: view.version.title, body, schoolName: view.schoolName });
}

/** The page after a link signature is recorded. */
export function linkDonePage(opts: { schoolName: string; title: string; signedAt: Date }): string {
  const body = html`<div class="done" role="status"><h1>Thank you – you have signed</h1></div>
<p>We have recorded that you agreed to “${opts.title}” on ${opts.signedAt.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })}.</p>
<p>This link now stops working. You can close this page.</p>`;
  return layout({ title: 'You have signed', body, schoolName: opts.schoolName });
}
