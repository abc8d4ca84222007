import { html, pageShell, type Html } from '../web/shared/html.js';
import { TEAMS_JS_PATH } from './teams-js-asset.js';

/** Who is signed in, for the page header (with the sign-out form). */
export interface SignedInBar {
  schoolId: string;
  name: string;
  csrf: string;
  /** Which part of the dashboard this person works in: the DSL team's cases (default) or the IT team's IT matters. */
  area?: 'dsl' | 'it';
}

/**
 * The frame of every dashboard page: language, viewport, own stylesheet and script, skip link, header.
 * `teamsJs` also loads Microsoft's teams-js first (sign-in, hand-off and school-choice pages: the only ones
 * that talk to Teams), both deferred so they run in order.
 */
export function dashboardLayout(opts: { title: string; body: Html; schoolName?: string; signedIn?: SignedInBar; teamsJs?: boolean }): string {
  const bar = opts.signedIn
    ? html`<p>Signed in as ${opts.signedIn.name}</p><form method="post" action="/dashboard/${opts.signedIn.schoolId}/sign-out"><input type="hidden" name="_csrf" value="${opts.signedIn.csrf}"><button type="submit">Sign out</button></form>`
    : html``;
  const area = opts.signedIn?.area === 'it' ? 'IT dashboard' : 'DSL dashboard';
  return pageShell({
    title: `${opts.title} – ${opts.schoolName ?? 'Lantern'} ${area}`,
    head: ['<link rel="stylesheet" href="/dashboard/assets/dashboard.css">', ...(opts.teamsJs ? [`<script src="${TEAMS_JS_PATH}" defer></script>`] : []), '<script src="/dashboard/assets/dashboard.js" defer></script>'],
    header: html`<p class="school">${opts.schoolName ?? 'Lantern'} · ${area}</p>${bar}`,
    body: opts.body,
  });
}

/** A page that says why something cannot be done and what to do next. */
export function dashboardMessage(opts: { title: string; lines: readonly string[]; schoolName?: string; signedIn?: SignedInBar }): string {
  return dashboardLayout({
    ...opts,
    body: html`<div role="alert"><h1>${opts.title}</h1>${opts.lines.map((l) => html`<p>${l}</p>`)}</div>`,
  });
}
