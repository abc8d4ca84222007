import { paramList, paramText } from '../records/google-params.js';
import type { GoogleActivity } from '../records/types.js';
import type { Rule, RuleHit } from '../rule.js';
import type { TenantContext } from '../tenant.js';
import { ADMIN, makeGoogleEvent, PUPIL, SAMPLE_TENANT } from './fixtures.js';
import { who } from './helpers.js';

/**
 * OAuth scopes that give an app admin powers over the school's domain, or read access to everything in a
 * mailbox, a Drive or a user's chats: the Google counterparts of the Microsoft permissions the Microsoft
 * rule flags (Mail.Read ↔ gmail.readonly, Files.Read.All ↔ drive.readonly, Chat.Read ↔ chat.messages.readonly).
 * Data: a school that allows a specific app approves it by client id instead of editing this list.
 */
export const RISKY_GOOGLE_SCOPES: readonly RegExp[] = [
  /\/auth\/admin\./, // Admin SDK: directory, reports, data transfer…
  /\/auth\/ediscovery/, // Vault
  /\/auth\/cloud_search/,
  /\/auth\/apps\.groups\.settings/,
  /^https:\/\/mail\.google\.com\/?$/, // full Gmail access
  /\/auth\/gmail\.(?:readonly|modify)$/, // reads every message
  /\/auth\/gmail\.settings\.(?:sharing|basic)/, // can set forwarding and filters
  /\/auth\/drive(?:\.readonly)?$/, // every file the user can open (drive.file, one file at a time, is not here)
  /\/auth\/chat\.messages(?:\.readonly)?$/, // every chat message
];
const ADMIN_SCOPE = /\/auth\/(?:admin\.|ediscovery)/;
/** The list above as one pattern, compiled once: one regex run per scope instead of nine. */
const RISKY_SCOPE = new RegExp(RISKY_GOOGLE_SCOPES.map((p) => `(?:${p.source})`).join('|'));
/** Admin console: an admin gives a client domain-wide delegation (Reports API admin event, parameters API_CLIENT_NAME, API_SCOPES). */
const DWD_EVENT = 'AUTHORIZE_API_CLIENT_ACCESS';

function scopesOf(parameters: readonly unknown[], name: string): string[] {
  const list = paramList(parameters, name);
  return list.length > 0 ? list : paramText(parameters, name).split(/[\s,]+/).filter(Boolean);
}

function shortScopes(scopes: readonly string[]): string {
  return scopes.map((s) => s.replace('https://www.googleapis.com/auth/', '')).join(', ');
}

/** An admin's domain-wide delegation grant: the app can act as every user, so any risky scope is high. */
function delegationHit(record: GoogleActivity, ctx: TenantContext): RuleHit | undefined {
  for (const ev of record.events) {
    if (ev.name !== DWD_EVENT) continue;
    const risky = scopesOf(ev.parameters, 'API_SCOPES').filter((s) => RISKY_SCOPE.test(s));
    const client = paramText(ev.parameters, 'API_CLIENT_NAME');
    if (risky.length === 0 || ctx.isApprovedApp(client)) continue;
    return {
      summary: `${who(record.actor)} gave the API client "${client || 'unnamed'}" domain-wide access to every account (${shortScopes(risky)}).`,
      target: client || 'unnamed API client',
      objectId: client || record.id,
      severity: 'high',
    };
  }
  return undefined;
}

/** A user authorised a third-party app with privileged Google scopes. */
export const appRiskyOauthGrantGoogle: Rule = {
  id: 'app.risky_oauth_grant.google',
  family: 'app.risky_oauth_grant',
  source: 'google',
  title: 'App granted privileged Google access',
  category: 'security',
  categoryLogic: 'security; conduct when a pupil grants the access',
  severity: 'medium',
  severityLogic: 'high when the app gets admin or Vault scopes or an admin grants domain-wide delegation, medium for whole-mailbox, whole-Drive, chat or mail-settings scopes; raised one step for pupils',
  foldWindowMinutes: 24 * 60,
  runbook: 'Check the app (client id) in Admin console › Security › API controls; revoke its token and block it unless it is approved, then suppress it by client id if it is.',
  triggers: [
    { kind: 'google.reports.activity', applications: ['token'], events: ['authorize'] },
    { kind: 'google.reports.activity', applications: ['admin'], events: [DWD_EVENT] },
  ],
  evaluate(record, ctx) {
    if (record.kind !== 'google.reports.activity') return undefined;
    if (record.application === 'admin') return delegationHit(record, ctx);
    for (const ev of record.events) {
      if (ev.name !== 'authorize') continue;
      const risky = paramList(ev.parameters, 'scope').filter((s) => RISKY_SCOPE.test(s));
      if (risky.length === 0) continue;
      const app = paramText(ev.parameters, 'app_name') || 'an app';
      const clientId = paramText(ev.parameters, 'client_id');
      // An app the school approved (`lantern monitor allowlist add --app`) is not a risk to report.
      if (ctx.isApprovedApp(clientId, paramText(ev.parameters, 'app_name'))) continue;
      const short = shortScopes(risky);
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
      {
        name: 'pupil gives an unknown app full Drive (parity with Files.ReadWrite.All)',
        records: [makeGoogleEvent('token', 'authorize', { app_name: 'Essay Finisher', client_id: '999-xyz.apps.googleusercontent.com', scope: ['https://www.googleapis.com/auth/drive', 'openid'] }, { actor: PUPIL, type: 'auth' })],
        expect: { severity: 'high', category: 'conduct', pupilInvolved: true },
      },
      { name: 'staff gives an app read access to all mail', records: [makeGoogleEvent('token', 'authorize', { app_name: 'InboxStats', scope: ['https://www.googleapis.com/auth/gmail.readonly'] }, { type: 'auth' })], expect: { severity: 'medium', category: 'security' } },
      {
        name: 'admin grants domain-wide delegation with Drive scope',
        records: [makeGoogleEvent('admin', DWD_EVENT, { API_CLIENT_NAME: '1234567890', API_SCOPES: ['https://www.googleapis.com/auth/drive'] }, { actor: ADMIN, type: 'DOMAIN_SETTINGS' })],
        expect: { severity: 'high' },
      },
    ],
    negative: [
      { name: 'calendar and send-only mail', records: [makeGoogleEvent('token', 'authorize', { app_name: 'Timetable', scope: ['https://www.googleapis.com/auth/calendar', 'https://www.googleapis.com/auth/gmail.send'] })] },
      { name: 'one file picked by the user (drive.file)', records: [makeGoogleEvent('token', 'authorize', { app_name: 'PDF Editor', scope: ['https://www.googleapis.com/auth/drive.file'] }, { actor: PUPIL, type: 'auth' })] },
      {
        name: 'approved app gets full Drive',
        tenant: { ...SAMPLE_TENANT, approvedApps: ['999-xyz.apps.googleusercontent.com'] },
        records: [makeGoogleEvent('token', 'authorize', { app_name: 'Essay Finisher', client_id: '999-xyz.apps.googleusercontent.com', scope: ['https://www.googleapis.com/auth/drive'] }, { actor: PUPIL, type: 'auth' })],
      },
      { name: 'domain-wide delegation for calendar only', records: [makeGoogleEvent('admin', DWD_EVENT, { API_CLIENT_NAME: '1234567890', API_SCOPES: 'https://www.googleapis.com/auth/calendar.readonly' }, { actor: ADMIN, type: 'DOMAIN_SETTINGS' })] },
      { name: 'token revoked', records: [makeGoogleEvent('token', 'revoke', { app_name: 'RosterSyncPro', scope: ['https://www.googleapis.com/auth/admin.directory.user'] })] },
    ],
  },
};
