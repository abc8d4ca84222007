import type { BrowserContext, Route } from 'playwright-core';

/** Where the stand-in Teams client lives: an origin teams-js trusts and the dashboard's CSP lets frame it. */
export const TEAMS_ORIGIN = 'https://teams.microsoft.com';
/** The https address the test Lantern is configured with (server.publicUrl) and reached at in the browser. */
export const LANTERN_PUBLIC_URL = 'https://lantern.northgate.example';

/** What the stand-in host answers to teams-js's getContext (a Teams user's sign-in name, as Teams gives it). */
export interface FakeTeamsUser {
  loginHint: string;
  tenantId: string;
}

/**
 * The stand-in Teams client's page: it shows `tabUrl` in a frame, as Teams shows a personal tab, and answers
 * the teams-js postMessage protocol as far as the dashboard needs it. Requests from teams-js are
 * `{ id, uuidAsString, func, args }`; the host answers `{ id, uuidAsString, args }` to the window that asked.
 * - `initialize` → [frameContext, clientType, runtimeConfig (JSON), clientSupportedSDKVersion]: "content" for
 *   the tab, "authentication" for the sign-in window the host itself opened;
 * - `getContext` → [the Teams context object];
 * - `authentication.authenticate` [url, width, height] → the host opens `url` in a window (as Teams does: the
 *   tab never calls window.open), and when that window sends `authentication.authenticate.success` [result]
 *   it answers the tab's call with [true, result] and closes the window; `…failure` answers [false, reason].
 * Every request is recorded in `window.hostLog` for the test to read.
 */
function hostPage(tabUrl: string, user: FakeTeamsUser): string {
  const runtime = JSON.stringify({ apiVersion: 4, hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } }, supports: { app: {}, appEntity: {}, authentication: {}, pages: { config: {} }, teamsCore: {} } });
  const context = { loginHint: user.loginHint, userPrincipalName: user.loginHint, tid: user.tenantId, entityId: 'dsl-cases', locale: 'en-gb', hostClientType: 'web', hostName: 'Teams', frameContext: 'content' };
  return `<!doctype html><html lang="en"><head><title>Microsoft Teams (stand-in)</title></head><body>
<iframe id="tab" title="DSL cases" src="${tabUrl}" style="width:1200px;height:720px"></iframe>
<script>
window.hostLog = [];
var authWindow = null;
var pendingAuth = null;
var RUNTIME = ${JSON.stringify(runtime)};
var CONTEXT = ${JSON.stringify(context)};
function answer(target, origin, request, args) {
  target.postMessage({ id: request.id, uuidAsString: request.uuidAsString, args: args }, origin);
}
window.addEventListener('message', function (event) {
  var m = event.data;
  if (!m || typeof m !== 'object' || typeof m.func !== 'string') return;
  var fromAuthWindow = authWindow !== null && event.source === authWindow;
  window.hostLog.push({ func: m.func, from: fromAuthWindow ? 'auth-window' : 'tab', origin: event.origin, args: m.args });
  if (m.func === 'initialize') return answer(event.source, event.origin, m, [fromAuthWindow ? 'authentication' : 'content', 'web', RUNTIME, '2.58.0']);
  if (m.func === 'getContext') return answer(event.source, event.origin, m, [CONTEXT]);
  if (m.func === 'authentication.authenticate') {
    pendingAuth = { source: event.source, origin: event.origin, request: m };
    authWindow = window.open(m.args[0], 'teams-auth', 'width=' + m.args[1] + ',height=' + m.args[2]);
    return;
  }
  if ((m.func === 'authentication.authenticate.success' || m.func === 'authentication.authenticate.failure') && fromAuthWindow && pendingAuth) {
    answer(pendingAuth.source, pendingAuth.origin, pendingAuth.request, [m.func === 'authentication.authenticate.success', m.args[0]]);
    pendingAuth = null;
    authWindow.close();
  }
});
</script></body></html>`;
}

/**
 * Forwards a browser request to `target` (the test Lantern over plain http, or the Entra stand-in), cookies
 * and all. Playwright routes only the first request of a redirect chain, so a redirect is answered with a page
 * that moves on by itself (meta refresh): the next address is then a fresh navigation, routed again.
 */
async function forward(route: Route, target: string): Promise<void> {
  const request = route.request();
  const url = new URL(request.url());
  const headers = await request.allHeaders();
  delete headers.host;
  const body = request.postDataBuffer();
  const res = await fetch(`${target}${url.pathname}${url.search}`, { method: request.method(), headers, body: body ?? undefined, redirect: 'manual' });
  const out: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!['set-cookie', 'content-encoding', 'content-length', 'transfer-encoding', 'location'].includes(name)) out[name] = value;
  });
  const cookies = res.headers.getSetCookie();
  // Playwright joins repeated headers with newlines.
  if (cookies.length) out['set-cookie'] = cookies.join('\n');
  const location = res.headers.get('location');
  if (res.status >= 300 && res.status < 400 && location) {
    const next = new URL(location, url).href.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    out['content-type'] = 'text/html';
    await route.fulfill({ status: 200, headers: out, body: `<!doctype html><meta http-equiv="refresh" content="0;url=${next}"><title>Redirecting</title>` });
    return;
  }
  await route.fulfill({ status: res.status, headers: out, body: Buffer.from(await res.arrayBuffer()) });
}

/**
 * Puts the stand-in Teams client at TEAMS_ORIGIN/_host and Lantern at LANTERN_PUBLIC_URL in this browser
 * context (both over https as far as the browser can tell; nothing leaves the machine), and routes the Entra
 * stand-in at `entraUrl` the same way. Returns the host
 * page's address.
 */
export async function installFakeTeams(context: BrowserContext, opts: { lanternUrl: string; entraUrl: string; user: FakeTeamsUser; tabPath?: string }): Promise<string> {
  await context.route(`${TEAMS_ORIGIN}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: hostPage(`${LANTERN_PUBLIC_URL}${opts.tabPath ?? '/dashboard'}`, opts.user) }));
  await context.route(`${LANTERN_PUBLIC_URL}/**`, (route) => forward(route, opts.lanternUrl));
  // The Entra stand-in redirects back to Lantern: routed too, so that redirect becomes a routed navigation.
  await context.route(`${opts.entraUrl}/**`, (route) => forward(route, opts.entraUrl));
  return `${TEAMS_ORIGIN}/_host`;
}
