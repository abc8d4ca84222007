import { paramList, paramText } from '../records/google-params.js';
import type { Rule } from '../rule.js';
import { makeGoogleEvent, PUPIL } from './fixtures.js';
import { who } from './helpers.js';

/**
 * OAuth scopes that give an app admin powers over the school's domain or full control of a mailbox.
 * Data: a school that allows a specific app suppresses it by client id instead of editing this list.
 */
export const RISKY_GOOGLE_SCOPES: readonly RegExp[] = [
  /\/auth\/admin\./, // Admin SDK: directory, reports, data transfer…
  /\/auth\/ediscovery/, // Vault
  /\/auth\/cloud_search/,
  /\/auth\/apps\.groups\.settings/,
  /^https:\/\/mail\.google\.com\/?$/, // full Gmail access
  /\/auth\/gmail\.settings\.(?:sharing|basic)/, // can set forwarding and filters
];
const ADMIN_SCOPE = /\/auth\/(?:admin\.|ediscovery)/;

/** A user authorised a third-party app with privileged Google scopes. */
export const appRiskyOauthGrantGoogle: Rule = {
  id: 'app.risky_oauth_grant.google',
  family: 'app.risky_oauth_grant',
  source: 'google',
  title: 'App granted privileged Google access',
  category: 'security',
  categoryLogic: 'security; conduct when a pupil grants the access',
  severity: 'medium',
  severityLogic: 'high when the app gets admin or Vault scopes, medium for full-mailbox or mail-settings scopes; raised one step for pupils',
  foldWindowMinutes: 24 * 60,
  runbook: 'Check the app (client id) in Admin console › Security › API controls; revoke its token and block it unless it is approved, then suppress it by client id if it is.',
  triggers: [{ kind: 'google.reports.activity', applications: ['token'], events: ['authorize'] }],
  evaluate(record, ctx) {
    if (record.kind !== 'google.reports.activity') return undefined;
    for (const ev of record.events) {
      if (ev.name !== 'authorize') continue;
      const risky = paramList(ev.parameters, 'scope').filter((s) => RISKY_GOOGLE_SCOPES.some((p) => p.test(s)));
      if (risky.length === 0) continue;
      const app = paramText(ev.parameters, 'app_name') || 'an app';
      const clientId = paramText(ev.parameters, 'client_id');
      // An app the school approved (`lantern monitor allowlist add --app`) is not a risk to report.
      if (ctx.isApprovedApp(clientId, paramText(ev.parameters, 'app_name'))) continue;
      const short = risky.map((s) => s.replace('https://www.googleapis.com/auth/', '')).join(', ');
      return {
        summary: `${who(record.actor)} gave the app "${app}" privileged access (${short}).`,
        target: app,
        ...(clientId ? { objectId: clientId } : {}),
        severity: risky.some((s) => ADMIN_SCOPE.test(s)) ? 'high' : 'medium',
        category: ctx.isPupil(record.actor) ? 'conduct' : 'security',
      };
    }
    return undefined;
  },
  samples: {
    positive: [
      {
        name: 'admin directory scope',
        records: [makeGoogleEvent('token', 'authorize', { app_name: 'RosterSyncPro', client_id: '123-abc.apps.googleusercontent.com', scope: ['https://www.googleapis.com/auth/admin.directory.user', 'https://www.googleapis.com/auth/calendar'] }, { type: 'auth' })],
        expect: { severity: 'high' },
      },
      { name: 'pupil gives an app full Gmail', records: [makeGoogleEvent('token', 'authorize', { app_name: 'MailHelper', scope: ['https://mail.google.com/'] }, { actor: PUPIL })], expect: { severity: 'high', category: 'conduct' } },
    ],
    negative: [
      { name: 'calendar and send-only mail', records: [makeGoogleEvent('token', 'authorize', { app_name: 'Timetable', scope: ['https://www.googleapis.com/auth/calendar', 'https://www.googleapis.com/auth/gmail.send'] })] },
      { name: 'token revoked', records: [makeGoogleEvent('token', 'revoke', { app_name: 'RosterSyncPro', scope: ['https://www.googleapis.com/auth/admin.directory.user'] })] },
    ],
  },
};
