import { teamChannelReference } from '../../teams/channel-poster.js';
import type { LanternConfig, School } from '../../config/load.js';
import type { Models } from '../../stores.js';
import { appTokenProvider, GRAPH_SCOPE, MANAGE_SCOPE, type AppCredentials } from '../../microsoft/auth.js';
import { permissionsFor, type MicrosoftFeature } from '../../microsoft/permissions.js';
import { fail, getWithin, ok, reason, skip, tokenRoles, type CheckResult } from './check.js';

const BOT_SCOPE = 'https://api.botframework.com/.default';

/** The bot's app-only credentials, signing in where the other Microsoft apps do (a stand-in in tests). */
function botCredentials(config: LanternConfig): AppCredentials | undefined {
  if (!config.bot?.appSecret) return undefined;
  return { tenantId: config.bot.tenantId ?? 'botframework.com', clientId: config.bot.appId, clientSecret: config.bot.appSecret, authorityHost: config.mail.microsoft.authorityHost };
}

/** Gets a Bot Framework token with the bot's id and secret; returns it for the channel check. */
export async function checkBot(config: LanternConfig): Promise<{ result: CheckResult; token?: string }> {
  const creds = botCredentials(config);
  if (!creds) {
    const result = config.mode === 'demo'
      ? skip('bot credentials', 'demo mode: no bot app id and secret')
      : fail('bot credentials', 'no bot app id and secret are set', 'set bot.appId (or LANTERN_BOT_APP_ID) and LANTERN_BOT_APP_SECRET to the Entra app registration of the bot');
    return { result };
  }
  try {
    const token = await appTokenProvider(creds).token(BOT_SCOPE, { fresh: true });
    return { result: ok('bot credentials', `app ${creds.clientId} got a Bot Framework token`), token };
  } catch (err) {
    return { result: fail('bot credentials', reason(err), `check LANTERN_BOT_APP_SECRET is a current client secret of app ${creds.clientId}${config.bot?.tenantId ? ` in tenant ${config.bot.tenantId}` : ''}`) };
  }
}

/** The app is installed in the DSL team (Lantern stored the team's conversation) and the DSL channel is among the team's channels. */
export async function checkDslChannel(models: Models, school: School, botToken: string | undefined): Promise<CheckResult> {
  const name = 'Teams app in the DSL team';
  const ref = await teamChannelReference(models, school.id, school.dsl.channel.channelId);
  if (!ref?.serviceUrl) return fail(name, `no conversation is stored for team ${school.dsl.channel.teamId}`, "add Lantern to the DSL team in Teams (team → Manage team → Apps → Get more apps → Lantern); Lantern stores the team's conversation when it is added");
  if (!botToken) return skip(name, 'the team is stored, but the channel was not looked up without a bot token');
  const { teamId, channelId } = school.dsl.channel;
  try {
    const res = await getWithin(`${ref.serviceUrl.replace(/\/+$/, '')}/v3/teams/${encodeURIComponent(teamId)}/conversations`, { headers: { authorization: `Bearer ${botToken}` } });
    if (!res.ok) return fail(name, `the Bot Connector answered ${res.status} listing the team's channels`, 'check Lantern is still installed in the DSL team and that schools[].dsl.channel.teamId is that team');
    const body = (await res.json()) as { conversations?: Array<{ id?: string }> };
    if (!(body.conversations ?? []).some((c) => c.id === channelId)) return fail(name, `the team has no channel ${channelId} Lantern can reach`, "set schools[].dsl.channel.channelId to the DSL channel's id (channel → Get link to channel; the id is 19:…@thread.tacv2), and for a private channel add Lantern to it");
    return ok(name, `installed; DSL channel ${channelId} reachable`);
  } catch (err) {
    return fail(name, `cannot reach the Bot Connector at ${ref.serviceUrl}: ${reason(err)}`, 'check this machine can reach the Teams service over https');
  }
}

interface SchoolApp {
  creds: AppCredentials;
  features: Set<MicrosoftFeature>;
}

/** The Entra apps a school's settings use, each with the features it serves (often one app serves them all). */
function schoolApps(config: LanternConfig, school: School): SchoolApp[] {
  const apps = new Map<string, SchoolApp>();
  const host = school.microsoft?.monitoring?.authorityHost ?? config.mail.microsoft.authorityHost;
  const add = (creds: { tenantId: string; clientId: string; clientSecret: string } | undefined, feature: MicrosoftFeature) => {
    if (!creds) return;
    const key = `${creds.tenantId}|${creds.clientId}`;
    const app = apps.get(key) ?? { creds: { ...creds, authorityHost: host }, features: new Set() };
    app.features.add(feature);
    apps.set(key, app);
  };
  const monitoring = config.monitoring.microsoft[school.id];
  const m = config.mail.microsoft;
  const mail = m.tenantId && m.clientId && m.clientSecret ? { tenantId: m.tenantId, clientId: m.clientId, clientSecret: m.clientSecret } : undefined;
  add(monitoring, 'monitoring');
  if (monitoring && school.microsoft?.monitoring?.graph) add(monitoring, 'monitoring-graph');
  if (monitoring && school.microsoft?.monitoring?.alerts) add(monitoring, 'monitoring-alerts');
  add(config.directory.entra[school.id], 'directory');
  if ((school.digest?.enabled && school.digest.transport === 'graph') || (school.parents?.sender && school.parents.transport === 'graph')) add(mail, 'mail');
  if (school.remediation?.enabled) add(monitoring ?? mail, 'remediation');
  if (school.agreements?.unsigned?.group && school.directory.source === 'entra') add(config.directory.entra[school.id], 'access-group');
  return [...apps.values()];
}

/** Compares the roles in each app's Graph and Management tokens with the permissions its features need. */
export async function checkPermissions(config: LanternConfig, school: School): Promise<CheckResult[]> {
  const apps = schoolApps(config, school);
  if (apps.length === 0) return [skip('Microsoft permissions', 'no Microsoft app is configured for this school')];
  const out: CheckResult[] = [];
  for (const { creds, features } of apps) {
    const name = `Microsoft permissions of app ${creds.clientId}`;
    const needed = permissionsFor(features);
    const missing: string[] = [];
    try {
      for (const api of ['graph', 'manage'] as const) {
        const rows = needed.filter((p) => p.api === api);
        if (rows.length === 0) continue;
        const granted = new Set(tokenRoles(await appTokenProvider(creds).token(api === 'graph' ? GRAPH_SCOPE : MANAGE_SCOPE, { fresh: true })));
        for (const row of rows) if (!granted.has(row.permission)) missing.push(`${row.permission} (${api === 'graph' ? 'Microsoft Graph' : 'Office 365 Management APIs'}, to ${row.why})`);
      }
    } catch (err) {
      out.push(fail(name, reason(err), `check the client secret of app ${creds.clientId} in tenant ${creds.tenantId}`));
      continue;
    }
    out.push(missing.length === 0
      ? ok(name, `granted: ${needed.map((p) => p.permission).join(', ')}`)
      : fail(name, `not granted: ${missing.join('; ')}`, `in the Entra admin centre → App registrations → ${creds.clientId} → API permissions, add the application permission(s) ${missing.map((m) => m.split(' ')[0]).join(', ')} and press "Grant admin consent"`));
  }
  return out;
}

/** Each content type the school monitors has an enabled Management Activity subscription (unified audit logging is on). */
export async function checkSubscriptions(config: LanternConfig, school: School): Promise<CheckResult> {
  const name = 'unified audit log subscriptions';
  const creds = config.monitoring.microsoft[school.id];
  const monitoring = school.microsoft?.monitoring;
  if (!creds || !monitoring?.enabled) return skip(name, 'Microsoft audit-log monitoring is off for this school');
  const tenant = creds.tenantId;
  const base = (monitoring.manageUrl ?? 'https://manage.office.com').replace(/\/+$/, '');
  try {
    const token = await appTokenProvider({ ...creds, authorityHost: monitoring.authorityHost ?? config.mail.microsoft.authorityHost }).token(MANAGE_SCOPE, { fresh: true });
    const res = await getWithin(`${base}/api/v1.0/${tenant}/activity/feed/subscriptions/list?PublisherIdentifier=${tenant}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) return fail(name, `the Management Activity API answered ${res.status}: ${(await res.text()).slice(0, 200)}`, 'turn on audit logging in Microsoft Purview (Audit → Start recording user and admin activity) and check the app has ActivityFeed.Read with admin consent');
    const list = (await res.json()) as Array<{ contentType?: string; status?: string }>;
    const enabled = new Set(list.filter((s) => s.status?.toLowerCase() === 'enabled').map((s) => s.contentType));
    const off = monitoring.contentTypes.filter((t) => !enabled.has(t));
    if (off.length > 0) return fail(name, `not enabled: ${off.join(', ')}`, 'make sure audit logging is on in Microsoft Purview (Audit → Start recording user and admin activity), then start Lantern or run `lantern monitor backfill`: each starts the missing subscriptions');
    return ok(name, `enabled: ${monitoring.contentTypes.join(', ')}`);
  } catch (err) {
    return fail(name, reason(err), `check the client secret of app ${creds.clientId} and that it has ActivityFeed.Read`);
  }
}
