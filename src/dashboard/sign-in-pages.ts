import { html } from '../web/shared/html.js';
import { dashboardLayout, dashboardMessage } from './layout.js';

/** Someone the loopback demo lets you sign in as. */
export interface DemoPerson {
  email: string;
  name: string;
  role: string;
}

/**
 * The sign-in page: "Sign in with Microsoft" (in Teams it opens a pop-up; see assets.ts) and, in the loopback
 * demo only, buttons to sign in as one of the demo school's people.
 */
export function signInPage(opts: { schoolId: string; schoolName: string; entraProblem: string | null; demo: { people: readonly DemoPerson[]; csrf: string } | null }): string {
  const base = `/dashboard/${opts.schoolId}`;
  const body = html`<h1>Sign in to the DSL dashboard</h1>
<p>This dashboard shows ${opts.schoolName}’s safeguarding cases. Only members of the school’s DSL team can open it, and every view is recorded. Members of the IT team sign in here too, and see IT matters only.</p>
${opts.entraProblem && opts.demo
    ? html`<p class="muted">Microsoft sign-in is not set up in the demo; use the demo sign-in below.</p>`
    : opts.entraProblem
    ? html`<div class="error" role="alert"><p><strong>Microsoft sign-in is not set up yet.</strong></p><p>Please ask IT to ${opts.entraProblem}.</p></div>`
    : html`<p><a class="button" id="entra-sign-in" href="${base}/sign-in/entra" data-adopt="${base}/session/adopt">Sign in with Microsoft</a></p>
<div class="error" id="sign-in-problem" role="alert" hidden></div>`}
${opts.demo
    ? html`<h2>Demo sign-in</h2>
<p>This is the demo school (fictional people) on this computer only, so you can sign in as one of them without Microsoft.</p>
<form method="post" action="${base}/demo-sign-in">
<input type="hidden" name="_csrf" value="${opts.demo.csrf}">
<fieldset><legend>Sign in as</legend>
${opts.demo.people.map((p, i) => html`<p><input type="radio" name="email" id="demo-${i}" value="${p.email}"${i === 0 ? html` checked` : html``}> <label for="demo-${i}">${p.name} — ${p.role}</label></p>`)}
</fieldset>
<p><button type="submit" class="button secondary">Sign in (demo)</button></p>
</form>`
    : html``}`;
  return dashboardLayout({ title: 'Sign in', body, schoolName: opts.schoolName, teamsJs: !opts.entraProblem });
}

/** The polite refusal for anyone who is not on the school's DSL team. */
export function refusedPage(schoolName: string): string {
  return dashboardMessage({
    title: 'This dashboard is for the DSL team only',
    schoolName,
    lines: [
      `Only members of ${schoolName}’s safeguarding (DSL) team can see cases. Your attempt has been recorded, as every attempt to open a case is.`,
      'If you have a concern about a child, type “report a concern” in your chat with Lantern in Teams, or speak to the DSL in person.',
    ],
  });
}

/** The refusal for anyone not on the school's IT team who opens the IT view. */
export function itRefusedPage(schoolName: string): string {
  return dashboardMessage({
    title: 'The IT view is for the IT team only',
    schoolName,
    lines: [
      `Only members of ${schoolName}’s IT team can see IT matters. Your attempt has been recorded.`,
      'When the IT team finds that a matter involves a child, they send it to the DSL team, where it appears as a case.',
    ],
  });
}

/**
 * Shown in the sign-in pop-up opened from the Teams tab: hands the session to the tab, then closes. `teams`:
 * Teams opened the pop-up (authentication.authenticate), so the hand-off goes through teams-js; otherwise the
 * tab opened it itself and gets a postMessage.
 */
export function handoffPage(opts: { schoolId: string; schoolName: string; token: string; teams: boolean }): string {
  const body = html`<h1>You are signed in</h1>
<div id="handoff" data-token="${opts.token}" data-teams="${opts.teams ? '1' : '0'}"></div>
<p>You can close this window and go back to Teams, or <a href="/dashboard/${opts.schoolId}">open the dashboard here</a>.</p>`;
  return dashboardLayout({ title: 'Signed in', body, schoolName: opts.schoolName, teamsJs: opts.teams });
}

/**
 * For a trust: which school's dashboard to open. In the Teams tab the script first tries the school of the
 * Teams user's sign-in domain (`/dashboard?domain=…`, a convenience only: the school's own sign-in decides).
 */
export function schoolsPage(schools: readonly { id: string; name: string }[]): string {
  const body = html`<h1>DSL dashboard</h1><p>Choose your school.</p><ul id="school-choice">${schools.map((s) => html`<li><a href="/dashboard/${s.id}">${s.name}</a></li>`)}</ul>`;
  return dashboardLayout({ title: 'Choose your school', body, teamsJs: true });
}
