/**
 * The dashboard's own stylesheet and script, served by Lantern (the CSP allows nothing else). Kept as strings
 * so the build needs no copy step.
 */

/** Plain and high-contrast; tables turn into stacked rows on a phone (390 px) and stay tables at 1366 px. */
export const DASHBOARD_CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:Arial,Helvetica,sans-serif;line-height:1.5;color:#0b0c0c;background:#f3f2f1;font-size:1rem}
.skip{position:absolute;left:-9999px;top:0;background:#ffdd00;color:#0b0c0c;padding:.5rem 1rem;font-weight:bold}
.skip:focus{left:.5rem;top:.5rem;z-index:10}
.top{background:#1d3557;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
.top p{margin:0}
.top .school{font-weight:bold;font-size:1.1rem}
.top form{margin:0}
.top button{background:#fff;color:#1d3557;border:0;border-radius:4px;padding:.4rem .8rem;font-size:1rem;cursor:pointer;min-height:44px}
main{max-width:76rem;margin:1rem auto 3rem;padding:1rem 1.25rem;background:#fff;border-radius:6px}
main:focus{outline:none}
h1{font-size:1.6rem;line-height:1.25;margin:.25rem 0 1rem}
h2{font-size:1.25rem;margin:1.5rem 0 .5rem}
a{color:#1d4ed8}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #0b0c0c;outline-offset:2px;box-shadow:0 0 0 6px #ffdd00}
.button{display:inline-block;font-size:1.1rem;font-weight:bold;min-height:48px;padding:.6rem 1.25rem;border:0;border-radius:6px;background:#00703c;color:#fff;cursor:pointer;text-decoration:none;text-align:center}
.button.secondary{background:#1d3557}
.filters{display:flex;flex-wrap:wrap;gap:.75rem 1.25rem;align-items:flex-end;margin:0 0 1rem;padding:.75rem;background:#f8f8f8;border-radius:6px}
.filters label{display:block;font-weight:bold;margin-bottom:.25rem}
select,input[type=text],input[type=date],input[type=time],textarea{font-size:1rem;padding:.45rem .6rem;min-height:44px;border:2px solid #0b0c0c;border-radius:4px;max-width:100%}
textarea{width:100%;min-height:8rem;font-family:inherit}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;vertical-align:top;padding:.5rem;border-bottom:1px solid #b1b4b6}
th{background:#f3f2f1}
.badge{display:inline-block;padding:0 .4rem;border-radius:4px;font-weight:bold;border:2px solid currentColor}
.sev-high,.sev-critical{color:#8a1e10}
.sev-medium{color:#6b4300}
.sev-low{color:#383f43}
.dnv{border-left:8px solid #d4351c;background:#fdf0ee;padding:.75rem 1rem;margin:1rem 0}
.dnv strong{color:#8a1e10}
.dnv-tag{color:#8a1e10;font-weight:bold}
.notice{border-left:6px solid #1d3557;background:#eef2f8;padding:.5rem 1rem;margin:1rem 0}
.error{border-left:6px solid #d4351c;padding:.5rem 1rem;background:#fdf0ee;margin:1rem 0}
dl.facts{display:grid;grid-template-columns:minmax(9rem,14rem) 1fr;gap:.35rem 1rem;margin:0}
dl.facts dt{font-weight:bold}
dl.facts dd{margin:0}
.note{white-space:pre-wrap;overflow-wrap:anywhere}
.timeline li{margin:.5rem 0}
.pager{display:flex;gap:1rem;justify-content:space-between;margin:1rem 0}
.muted{color:#383f43}
@media (max-width:640px){
 main{margin:0;border-radius:0;padding:.75rem}
 table.cases thead{position:absolute;left:-9999px}
 table.cases tr{display:block;border:1px solid #b1b4b6;border-radius:6px;margin:0 0 .75rem;padding:.25rem .5rem}
 table.cases td{display:block;border:0;padding:.2rem 0}
 table.cases td::before{content:attr(data-label) ": ";font-weight:bold}
 dl.facts{grid-template-columns:1fr}
 dl.facts dd{margin-bottom:.5rem}
}
`;

/**
 * Inside the Teams tab the Microsoft sign-in page cannot be shown (it refuses to be framed), so sign-in runs in
 * a pop-up that hands the new session back to the tab, which asks Lantern to set it as its own cookie.
 *
 * - In Teams (teams-js `app.initialize()` answers within TEAMS_WAIT_MS): Teams opens the pop-up itself
 *   (`authentication.authenticate`; the desktop client blocks `window.open`), the pop-up's last page calls
 *   `authentication.notifySuccess(token)` and the tab receives the token as the result. The Teams user's
 *   loginHint only pre-fills Microsoft's account box; it is never trusted.
 * - Framed but no Teams host answers: the tab opens the pop-up with `window.open` and the pop-up posts the
 *   token back (same origin only).
 * - Not framed: nothing here runs; the sign-in link is an ordinary link.
 * On the trust's school-choice page, Teams' loginHint domain picks the school (`/dashboard?domain=`).
 */
export const DASHBOARD_JS = `
(function () {
  var TEAMS_WAIT_MS = 3000;
  var teams = window.microsoftTeams;
  var framed = window.self !== window.top;
  var ready = null;
  var inTeams = null;

  /* Resolves true once a Teams host answers app.initialize(); false without teams-js or after TEAMS_WAIT_MS
     (outside Teams initialize never resolves). */
  function teamsReady() {
    if (!ready) {
      ready = new Promise(function (resolve) {
        if (!teams || !teams.app) return resolve(false);
        var timer = setTimeout(function () { resolve(false); }, TEAMS_WAIT_MS);
        teams.app.initialize().then(function () { clearTimeout(timer); resolve(true); }, function () { clearTimeout(timer); resolve(false); });
      }).then(function (ok) { inTeams = ok; return ok; });
    }
    return ready;
  }

  /* The Teams user's sign-in name, or '' (a hint only). */
  function teamsLoginHint() {
    return teams.app.getContext().then(function (c) {
      var user = (c && c.user) || {};
      return String(user.loginHint || user.userPrincipalName || '');
    }, function () { return ''; });
  }

  var handoff = document.getElementById('handoff');
  if (handoff) {
    var token = handoff.getAttribute('data-token');
    var toOpener = function () {
      if (window.opener && window.opener !== window) {
        window.opener.postMessage({ type: 'lantern-dsl-session', token: token }, window.location.origin);
        window.close();
      }
    };
    if (handoff.getAttribute('data-teams') !== '1') return toOpener();
    teamsReady().then(function (ok) {
      if (ok) teams.authentication.notifySuccess(token);
      else toOpener();
    });
    return;
  }

  var choice = document.getElementById('school-choice');
  if (choice) {
    if (!framed || /[?&]domain=/.test(window.location.search)) return;
    teamsReady().then(function (ok) {
      if (!ok) return;
      teamsLoginHint().then(function (hint) {
        var domain = hint.split('@')[1];
        if (domain) window.location.replace('/dashboard?domain=' + encodeURIComponent(domain));
      });
    });
    return;
  }

  var link = document.getElementById('entra-sign-in');
  if (!link || !framed) return;
  var adopt = link.getAttribute('data-adopt');
  var problem = document.getElementById('sign-in-problem');
  var hint = '';
  function showProblem(text) {
    if (!problem) return;
    problem.textContent = text;
    problem.hidden = false;
  }
  function adoptSession(sessionToken) {
    var body = new URLSearchParams({ token: String(sessionToken || '') });
    return fetch(adopt, { method: 'POST', body: body, credentials: 'same-origin' }).then(function (res) {
      if (res.ok) window.location.reload();
      else showProblem('That sign-in could not be used here. Please sign in again.');
    }, function () { showProblem('Lantern could not be reached. Please check the connection and try again.'); });
  }
  function openOwnPopup() {
    window.open(link.href + '?popup=1', 'lantern-sign-in', 'width=600,height=720');
  }
  function signInThroughTeams() {
    var url = link.href + '?teams=1' + (hint ? '&login_hint=' + encodeURIComponent(hint) : '');
    teams.authentication.authenticate({ url: url, width: 600, height: 720 }).then(adoptSession, function () {
      showProblem('Sign-in was closed before it finished. Please try again.');
    });
  }
  teamsReady().then(function (ok) {
    if (ok) teamsLoginHint().then(function (h) { hint = h; });
  });
  link.addEventListener('click', function (event) {
    event.preventDefault();
    if (problem) problem.hidden = true;
    /* Decide synchronously when the answer is known, so the browser still counts window.open as the click's. */
    if (inTeams === true) return signInThroughTeams();
    if (inTeams === false) return openOwnPopup();
    teamsReady().then(function (ok) { if (ok) signInThroughTeams(); else openOwnPopup(); });
  });
  window.addEventListener('message', function (event) {
    if (event.origin !== window.location.origin || !event.data || event.data.type !== 'lantern-dsl-session') return;
    adoptSession(event.data.token);
  });
})();
`;
