import { MAX_TEXT } from '../cases/transitions.js';
import { html, type Html } from '../web/shared/html.js';
import type { CaseView } from '../cases/case-view.js';
import { dashboardLayout, type SignedInBar } from './layout.js';

/** The personal-data breach clock, the decision, and the forms to start the clock or record the decision. */
function breachSection(opts: { schoolId: string; view: CaseView; signedIn: SignedInBar; breachError?: string }) {
  const b = opts.view.breach;
  const base = `/dashboard/${opts.schoolId}/cases/${opts.view.number}`;
  return html`<h2 id="breach">Personal-data breach</h2>
${opts.breachError ? html`<div class="error" role="alert"><p><strong>Nothing was saved.</strong> ${opts.breachError}</p></div>` : html``}
${b.running
    ? html`<dl class="facts"><dt>How detected</dt><dd>${b.how}</dd><dt>Clock started</dt><dd>${b.clockStart}</dd><dt>Decide by</dt><dd>${b.deadline}</dd><dt>Decision</dt><dd>${b.decision ?? 'Not decided yet'}</dd></dl>`
    : html`<p>Not marked as a possible personal-data breach.</p>`}
${b.canFlag
    ? html`<form method="post" action="${base}/breach" id="breach-form">
<input type="hidden" name="_csrf" value="${opts.signedIn.csrf}">
<label for="breach-reason" class="field"><strong>Why this may be a personal-data breach</strong></label>
<p class="muted" id="breach-hint">Starts the 72-hour clock for deciding whether to report it to the ICO; Lantern emails the data protection officer. Your name and reason go on the timeline.</p>
<textarea id="breach-reason" name="reason" maxlength="${MAX_TEXT}" aria-describedby="breach-hint" required></textarea>
<p><button type="submit" class="button">Possible personal-data breach</button></p>
</form>`
    : html``}
${b.canDecide
    ? html`<form method="post" action="${base}/breach-decision" id="breach-decision-form">
<input type="hidden" name="_csrf" value="${opts.signedIn.csrf}">
<fieldset><legend><strong>The data protection officer's decision</strong></legend>
<p><label><input type="radio" name="reported" value="reported" required> Reported to the ICO</label></p>
<p><label for="breach-ico-ref">ICO reference</label> <input id="breach-ico-ref" name="icoReference" maxlength="100"></p>
<p><label for="breach-date">Date reported</label> <input id="breach-date" name="reportedOn" type="date"></p>
<p><label><input type="radio" name="reported" value="not-reported"> Not reported</label></p>
<p><label for="breach-why-not">Why it was not reported</label></p>
<textarea id="breach-why-not" name="reason" maxlength="2000"></textarea>
</fieldset>
<p><button type="submit" class="button">Record decision</button></p>
</form>`
    : html``}`;
}

/**
 * One case: a "do not view" warning first when it applies, then the summary, who is involved, the timeline,
 * linked detections (metadata only), referrals, retention and hold, and the "add note" form.
 */
export function casePage(opts: { schoolId: string; schoolName: string; view: CaseView; signedIn: SignedInBar; notice?: string; error?: string; draft?: string; actions?: Html; actionError?: string; breachError?: string }): string {
  const v = opts.view;
  const action = `/dashboard/${opts.schoolId}/cases/${v.number}/notes`;
  const body = html`<p><a href="/dashboard/${opts.schoolId}">Back to open cases</a></p>
<h1>Case ${v.number}</h1>
${v.doNotView
    ? html`<div class="dnv" role="alert"><p><strong>Do not open or view the item.</strong></p><p>This may involve an indecent image of a child. Do not open, copy, print, forward, screenshot or delete it, and do not ask anyone else to. Follow the UKCIS guidance and, if needed, call the police. Lantern deliberately shows no link to it and no title.</p></div>`
    : html``}
${v.dpo ? html`<p class="notice" role="status"><strong>${v.dpo}</strong></p>` : html``}
${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : html``}
${opts.actionError ? html`<div class="error" role="alert"><p><strong>Nothing was changed.</strong> ${opts.actionError}</p></div>` : html``}
<p><a href="/dashboard/${opts.schoolId}/cases/${v.number}/chronology" class="button secondary">Print chronology</a></p>
<h2>What happened</h2>
<p class="note">${v.summary}</p>
${v.childWords !== null ? html`<h3 id="child-words">In the child's words</h3><blockquote class="note" aria-labelledby="child-words">${v.childWords}</blockquote>` : html``}
<dl class="facts">${v.facts.map(([k, val]) => html`<dt>${k}</dt><dd>${val}</dd>`)}</dl>
<h2>Timeline</h2>
<ol class="timeline">${v.timeline.map(
    (l) => html`<li><strong>${l.when}</strong> — ${l.who} ${l.what}${l.changes.length ? html`<br><span class="muted">${l.changes.join('; ')}</span>` : html``}${l.note !== null ? html`<div class="note">${l.note}</div>` : html``}</li>`,
  )}</ol>
<h2>Linked detections</h2>
${v.detections.length
    ? html`<table><thead><tr><th scope="col">Kind of alert</th><th scope="col">Rule</th><th scope="col">When</th></tr></thead><tbody>${v.detections.map((d) => html`<tr><td>${d.family}</td><td>${d.ruleId}</td><td>${d.when}</td></tr>`)}</tbody></table>`
    : html`<p>None: this case did not come from monitoring.</p>`}
<h2>Actions taken and who was informed</h2>
${v.actionsTaken.length
    ? html`<table class="actions-taken"><thead><tr><th scope="col">When</th><th scope="col">What was done</th><th scope="col">Who was informed</th><th scope="col">Recorded by</th></tr></thead><tbody>${v.actionsTaken.map((a) => html`<tr><td>${a.when}</td><td class="note">${a.what}</td><td>${a.informed}</td><td>${a.by}</td></tr>`)}</tbody></table>`
    : html`<p>None recorded.</p>`}
<h2>Referrals</h2>
${v.referrals.length
    ? html`<ul>${v.referrals.map((r) => html`<li>${r.agency}, ${r.reference} — made ${r.made}, recorded by ${r.by} ${r.when}</li>`)}</ul>`
    : html`<p>None recorded.</p>`}
<h2>Retention and legal hold</h2>
<dl class="facts">${v.retention.map(([k, val]) => html`<dt>${k}</dt><dd>${val}</dd>`)}</dl>
${breachSection(opts)}
<h2 id="add-note">Add a note</h2>
${opts.error ? html`<div class="error" role="alert"><p><strong>The note was not saved.</strong> ${opts.error}</p></div>` : html``}
<form method="post" action="${action}" id="note-form">
<input type="hidden" name="_csrf" value="${opts.signedIn.csrf}">
<label for="note-text" class="field"><strong>Note</strong></label>
<p class="muted" id="note-hint">Goes on the case timeline with your name and the time; it cannot be edited later. Up to ${MAX_TEXT} characters.</p>
<textarea id="note-text" name="text" maxlength="${MAX_TEXT}" aria-describedby="note-hint" required>${opts.draft ?? ''}</textarea>
<p><button type="submit" class="button">Add note</button></p>
</form>
${opts.actions ?? html``}`;
  return dashboardLayout({ title: `Case ${v.number}`, body, schoolName: opts.schoolName, signedIn: opts.signedIn });
}
