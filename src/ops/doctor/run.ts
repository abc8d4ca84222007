import type { LanternConfig, School } from '../../config/load.js';
import type { OpenDatabase } from '../../stores.js';
import { appTokenProvider, GRAPH_SCOPE } from '../../microsoft/auth.js';
import { fail, getWithin, ok, reason, skip, type CheckResult } from './check.js';
import { checkDatabase } from './database.js';
import { checkWonde } from './wonde.js';
import { checkGmailSender, checkGoogle } from './google.js';
import { checkBot, checkDslChannel, checkPermissions, checkSubscriptions } from './microsoft.js';

const LOOPBACK_HTTP = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

/** The digest's or parents' mail transport: a token for the sender (Gmail) or for the Graph app. */
async function checkMail(config: LanternConfig, school: School): Promise<CheckResult> {
  const digest = school.digest?.enabled ? school.digest : undefined;
  const use = digest ? { transport: digest.transport, sender: digest.sender, key: 'digest' } : school.parents ? { transport: school.parents.transport, sender: school.parents.sender, key: 'parents' } : undefined;
  if (!use) return skip('mail transport', 'this school sends no email (no digest or parents block)');
  if (!use.sender) return fail('mail transport', `schools[].${use.key}.sender is not set`, `set schools[].${use.key}.sender to the school mailbox Lantern sends from`);
  if (use.transport === 'gmail') return checkGmailSender(config, use.sender);
  const m = config.mail.microsoft;
  if (!m.tenantId || !m.clientId || !m.clientSecret) return fail('mail transport', 'Graph: the mail app is not configured', 'set mail.microsoft.tenantId and .clientId (or LANTERN_MS_TENANT_ID, LANTERN_MS_CLIENT_ID) and LANTERN_MS_CLIENT_SECRET');
  try {
    await appTokenProvider({ tenantId: m.tenantId, clientId: m.clientId, clientSecret: m.clientSecret, authorityHost: m.authorityHost }).token(GRAPH_SCOPE, { fresh: true });
    return ok('mail transport', `Graph sendMail: app ${m.clientId} signs in to send as ${use.sender}`);
  } catch (err) {
    return fail('mail transport', reason(err), `check LANTERN_MS_CLIENT_SECRET is a current client secret of app ${m.clientId}`);
  }
}

/** `server.publicUrl` answers GET /healthz over https (plain http only on loopback, for stand-ins). */
async function checkPublicUrl(config: LanternConfig): Promise<CheckResult> {
  const url = config.server.publicUrl;
  const name = 'public address';
  if (!url) return config.mode === 'demo' ? skip(name, 'demo mode: no server.publicUrl') : fail(name, 'server.publicUrl is not set', 'set server.publicUrl to the https address Teams and browsers reach Lantern at');
  if (!url.startsWith('https://') && !LOOPBACK_HTTP.test(url)) return fail(name, `${url} is not https`, 'serve Lantern behind https (a reverse proxy with a certificate) and set server.publicUrl to the https address');
  const healthz = `${url.replace(/\/+$/, '')}/healthz`;
  try {
    const res = await getWithin(healthz);
    return res.ok ? ok(name, `${healthz} answers ${res.status}`) : fail(name, `${healthz} answers ${res.status}`, 'check the reverse proxy forwards to Lantern and that Lantern is running');
  } catch (err) {
    return fail(name, `${healthz} is not reachable: ${reason((err as Error).cause ?? err)}`, 'check DNS, the firewall and the reverse proxy for server.publicUrl, and that Lantern is running');
  }
}

/**
 * Runs every check for one school, in order, and returns one result each. The database is opened by the caller
 * (its failure is a result too); nothing here changes the school's data except the probe document it deletes.
 */
export async function runDoctor(config: LanternConfig, school: School, database: OpenDatabase | Error): Promise<CheckResult[]> {
  const results: CheckResult[] = [ok('config', `${config.source}: valid; school ${school.id} (${school.name})`)];
  if (database instanceof Error) results.push(fail('database', reason(database), 'check MONGODB_URI and that the server is running (or the data directory for the embedded database)'));
  else results.push(...(await checkDatabase(database)));
  const bot = await checkBot(config);
  results.push(bot.result);
  results.push(database instanceof Error ? skip('Teams app in the DSL team', 'needs the database') : await checkDslChannel(database.models, school, bot.token));
  results.push(...(await checkPermissions(config, school)));
  results.push(await checkSubscriptions(config, school));
  results.push(...(await checkGoogle(config, school)));
  results.push(...(await checkWonde(config, school)));
  results.push(await checkMail(config, school));
  results.push(await checkPublicUrl(config));
  return results;
}
