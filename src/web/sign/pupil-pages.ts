import type { AgreementVersion } from '../../agreements/version-model.js';
import { html, markdownToHtml } from '../shared/html.js';
import { layout } from './layout.js';

/** The pupil sign page: the agreement in plain words, "Read it to me", and one big "I agree" button. */
export function pupilSignPage(opts: { schoolName: string; firstName: string; version: AgreementVersion; csrf: string }): string {
  const body = html`<h1>${opts.version.title}</h1>
<p>Hello ${opts.firstName}. Please read this agreement, or press <strong>Read it to me</strong> to hear it.</p>
<p><button type="button" class="button secondary" id="read-aloud" aria-pressed="false" hidden>Read it to me</button></p>
<div class="agreement" id="agreement-text">${markdownToHtml(opts.version.body)}</div>
<form method="post" action="">
<input type="hidden" name="_csrf" value="${opts.csrf}">
<input type="hidden" name="versionId" value="${opts.version._id}">
<p id="agree-hint">When you press the button, your name and today’s date are saved to show you agreed.</p>
<div class="actions"><button type="submit" class="button" aria-describedby="agree-hint">I agree</button></div>
</form>`;
  return layout({ title: opts.version.title, body, script: true, schoolName: opts.schoolName });
}

/** Shown after signing, and when the pupil opens the link again. */
export function pupilDonePage(opts: { schoolName: string; firstName: string; title: string; already: boolean }): string {
  const body = html`<div class="done" role="status"><h1>${opts.already ? 'You have already signed' : 'Thank you, you have signed'}</h1></div>
<p>Well done, ${opts.firstName}. Your agreement to “${opts.title}” is saved.</p>
<p>You can close this page and go back to Google Classroom.</p>`;
  return layout({ title: 'Signed', body, schoolName: opts.schoolName });
}
