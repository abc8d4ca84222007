import type { LanternConfig, School } from '../config/load.js';

/** Entra ID (OpenID Connect) settings for one school's dashboard sign-in. */
export interface EntraSignIn {
  /** `${authorityHost}/${tenantId}/v2.0`: only accounts of the school's own tenant can sign in. */
  issuer: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Works out a school's dashboard sign-in from the Microsoft settings Lantern already has: the school's tenant
 * (schools[].microsoft.tenantId, else mail.microsoft.tenantId / LANTERN_MS_TENANT_ID, else the bot's tenant)
 * and the trust's Entra app (schools[].microsoft.clientId or mail.microsoft.clientId / LANTERN_MS_CLIENT_ID,
 * else the bot's app) with its secret. Returns what is missing, in words for IT, when it cannot.
 */
export function entraSignInFor(config: LanternConfig, school: School): EntraSignIn | { missing: string } {
  const ms = config.mail.microsoft;
  const tenantId = school.microsoft?.tenantId ?? ms.tenantId ?? config.bot?.tenantId;
  if (!tenantId) return { missing: `set schools[${school.id}].microsoft.tenantId (the school's Entra tenant id) in the config file` };
  const clientId = school.microsoft?.clientId ?? ms.clientId ?? config.bot?.appId;
  if (!clientId) return { missing: 'set mail.microsoft.clientId in the config file (or LANTERN_MS_CLIENT_ID) to the Entra app that signs DSLs in' };
  const perSchool = config.monitoring.microsoft[school.id];
  const clientSecret =
    (perSchool?.clientId === clientId ? perSchool.clientSecret : undefined) ??
    (ms.clientId === clientId || !ms.clientId ? ms.clientSecret : null) ??
    (config.bot?.appId === clientId && config.bot.appSecret ? config.bot.appSecret : null);
  if (!clientSecret) return { missing: `set LANTERN_MS_CLIENT_SECRET to the client secret of the Entra app ${clientId}` };
  return { issuer: `${ms.authorityHost.replace(/\/$/, '')}/${tenantId}/v2.0`, tenantId, clientId, clientSecret };
}
