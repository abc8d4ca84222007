import { formatWhen, SEVERITY_LABEL } from '../cases/labels.js';
import type { StoredItMatter } from '../cases/it-matters.js';
import type { Severity } from '../cases/case-model.js';
import { MAX_TEXT } from '../cases/transitions.js';
import { html, type Html } from '../web/shared/html.js';
import { dashboardLayout, type SignedInBar } from './layout.js';

const base = (schoolId: string) => `/dashboard/${schoolId}/it`;

/** Where an IT matter stands, in words for the IT team: never what the DSL did with a case sent over. */
export function itStatus(matter: StoredItMatter, tz: string): string {
  if (matter.sentToDsl) return `Sent to the DSL as ${matter.sentToDsl.number} by ${matter.sentToDsl.by?.name ?? 'someone'} on ${formatWhen(matter.sentToDsl.at, tz)}`;
  if (matter.status === 'closed') return `Closed by ${matter.closed?.by?.name ?? 'someone'} on ${formatWhen(matter.closed?.at, tz)}`;
  return 'Open';
}

function severity(matter: StoredItMatter): Html {
  return html`<span class="badge sev-${matter.severity}">${SEVERITY_LABEL[matter.severity as Severity] ?? matter.severity}</span>`;
}

/** The IT queue of a school, newest first: open, sent over and closed IT matters. */
export function itListPage(opts: { schoolId: string; schoolName: string; tz: string; matters: readonly StoredItMatter[]; signedIn: SignedInBar }): string {
  const body = html`<h1>IT matters</h1>
<p>Security alerts with no child, no pupil data and no safeguarding risk. If one does involve a child, open it and send it to the DSL.</p>
${opts.matters.length === 0
    ? html`<p>There are no IT matters. New ones appear here and in the IT channel.</p>`
    : html`<table class="cases"><caption class="muted">Newest first. Every view is recorded in the access log.</caption>
<thead><tr><th scope="col">Matter</th><th scope="col">Opened</th><th scope="col">Severity</th><th scope="col">Kind of alert</th><th scope="col">Status</th><th scope="col">What happened</th></tr></thead>
<tbody>${opts.matters.map((m) => html`<tr>
<td data-label="Matter"><a href="${base(opts.schoolId)}/${m.number}">${m.number}</a></td>
<td data-label="Opened">${formatWhen(m.openedAt, opts.tz)}</td>
<td data-label="Severity">${severity(m)}</td>
<td data-label="Kind of alert">${m.family}</td>
<td data-label="Status">${itStatus(m, opts.tz)}</td>
<td data-label="What happened">${m.summary.length > 140 ? `${m.summary.slice(0, 140)}…` : m.summary}</td>
</tr>`)}</tbody></table>`}`;
  return dashboardLayout({ title: 'IT matters', body, schoolName: opts.schoolName, signedIn: opts.signedIn });
}

/** One IT matter: what happened, its detections (metadata only), and, while open, "send to the DSL" and "close". */
export function itMatterPage(opts: { schoolId: string; schoolName: string; tz: string; matter: StoredItMatter; signedIn: SignedInBar; notice?: string; error?: string }): string {
  const m = opts.matter;
  const action = `${base(opts.schoolId)}/${m.number}`;
  const detections = m.detections as { ruleId?: string; family?: string; at?: Date }[];
  const csrf = html`<input type="hidden" name="_csrf" value="${opts.signedIn.csrf}">`;
  const body = html`<p><a href="${base(opts.schoolId)}">Back to IT matters</a></p>
<h1>IT matter ${m.number}</h1>
${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : html``}
${opts.error ? html`<div class="error" role="alert"><p><strong>Nothing was changed.</strong> ${opts.error}</p></div>` : html``}
<h2>What happened</h2>
<p class="note">${m.summary}</p>
<dl class="facts"><dt>Severity</dt><dd>${severity(m)}</dd><dt>Kind of alert</dt><dd>${m.family}</dd><dt>Opened</dt><dd>${formatWhen(m.openedAt, opts.tz)}</dd><dt>Status</dt><dd>${itStatus(m, opts.tz)}</dd>${m.closed?.reason ? html`<dt>Why it was closed</dt><dd>${m.closed.reason}</dd>` : html``}</dl>
<h2>Detections</h2>
<table><thead><tr><th scope="col">Kind of alert</th><th scope="col">Rule</th><th scope="col">When</th></tr></thead><tbody>${detections.map((d) => html`<tr><td>${d.family ?? ''}</td><td>${d.ruleId ?? ''}</td><td>${d.at ? formatWhen(d.at, opts.tz) : ''}</td></tr>`)}</tbody></table>
${m.sentToDsl
    ? html``
    : html`<h2>Does this involve a child?</h2>
<p>If a pupil is involved, or it may be a safeguarding matter, send it to the DSL team. They get it as a case; you will see its case number here, not what they do with it.</p>
<form method="post" action="${action}/send-to-dsl">${csrf}<p><button type="submit" class="button">This involves a child — send to the DSL</button></p></form>
${m.status === 'open'
    ? html`<h2 id="close">Close</h2>
<form method="post" action="${action}/close">${csrf}
<label for="close-reason" class="field"><strong>Why are you closing it?</strong></label>
<p class="muted" id="close-hint">Recorded with your name and the time, for example “expected: new member of the helpdesk”.</p>
<textarea id="close-reason" name="reason" maxlength="${MAX_TEXT}" aria-describedby="close-hint" required></textarea>
<p><button type="submit" class="button secondary">Close this IT matter</button></p>
</form>`
    : html``}`}`;
  return dashboardLayout({ title: `IT matter ${m.number}`, body, schoolName: opts.schoolName, signedIn: opts.signedIn });
}
