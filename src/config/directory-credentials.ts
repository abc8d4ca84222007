import type { FileConfig } from './schema.js';

/** App-only Microsoft credentials of the schools whose directory comes from Entra, by school id. */
export interface DirectoryCredentials {
  readonly entra: Readonly<Record<string, Readonly<{ tenantId: string; clientId: string; clientSecret: string }>>>;
  /** Wonde API tokens of the schools whose directory comes from Wonde, by school id. */
  readonly wonde: Readonly<Record<string, string>>;
  /** Schools whose Entra or Wonde source lacks a client id or secret, with the fix; the sync reports it instead of starting. */
  readonly missing: Readonly<Record<string, string>>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The environment variable holding a school's Wonde token: LANTERN_WONDE_TOKEN_<SCHOOL ID>. */
export function wondeTokenEnvKey(schoolId: string): string {
  return `LANTERN_WONDE_TOKEN_${schoolId.toUpperCase().replace(/-/g, '_')}`;
}

/**
 * Entra directory credentials: the same app and secret as the audit-log connector (the per-school
 * LANTERN_MS_CLIENT_SECRET_<ID>, then LANTERN_MS_CLIENT_SECRET). A missing secret is recorded, not fatal:
 * the server still starts and `lantern directory sync` says what to set.
 */
export function readDirectoryCredentials(
  file: FileConfig,
  env: Env,
  defaults: { clientId: string | null; clientSecret: string | null; secretKeyOf(schoolId: string): string; botAppId?: string | undefined },
): DirectoryCredentials {
  const entra: Record<string, { tenantId: string; clientId: string; clientSecret: string }> = {};
  const missing: Record<string, string> = {};
  const wonde: Record<string, string> = {};
  for (const school of file.schools) {
    if (school.directory.source === 'wonde') {
      const key = wondeTokenEnvKey(school.id);
      const token = env[key]?.trim();
      if (token) wonde[school.id] = token;
      else missing[school.id] = `set ${key} to the school's Wonde API token (Wonde dashboard → your app → the school's access token)`;
      continue;
    }
    if (school.directory.source !== 'entra' || !school.microsoft) continue;
    const secretKey = defaults.secretKeyOf(school.id);
    const clientSecret = env[secretKey]?.trim() || defaults.clientSecret;
    const clientId = school.microsoft.clientId ?? defaults.clientId ?? defaults.botAppId;
    if (!clientSecret) missing[school.id] = `set ${secretKey} (or LANTERN_MS_CLIENT_SECRET) to the client secret of the Entra app that reads the directory`;
    else if (!clientId) missing[school.id] = 'set microsoft.clientId in the config file (or LANTERN_MS_CLIENT_ID) to the Entra app that reads the directory';
    else entra[school.id] = { tenantId: school.microsoft.tenantId, clientId, clientSecret };
  }
  return { entra, wonde, missing };
}
