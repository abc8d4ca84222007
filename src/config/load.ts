import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ErrorCode, LanternError } from '../errors.js';
import { demoFileConfig } from './demo.js';
import { formatIssues } from './format-issues.js';
import { yamlLineFinder, type LineFinder } from './yaml-lines.js';
import { readDirectoryCredentials, type DirectoryCredentials } from './directory-credentials.js';
import { FileConfigSchema, isHttpsOrLoopback, type DigestConfig, type FileConfig, type SchoolConfig } from './schema.js';

/** A school as the rest of Lantern sees it: validated, with defaults filled in. */
export type School = Readonly<SchoolConfig & { caseNumberPrefix: string }>;

/** Microsoft's published OpenID metadata for Bot Framework channel tokens (connector to bot). */
export const BOT_FRAMEWORK_OPENID_METADATA_URL = 'https://login.botframework.com/v1/.well-known/openidconfiguration';

/** Microsoft Entra app credentials the bot uses to verify and send Teams activities. */
export interface BotCredentials {
  readonly appId: string;
  readonly appSecret: string;
  readonly tenantId?: string;
  /** Where the keys that sign inbound channel tokens are published (bot.openIdMetadataUrl; Microsoft's when absent). */
  readonly openIdMetadataUrl?: string;
}

/** The whole validated configuration; frozen, so nothing changes it after start-up. */
export interface LanternConfig {
  readonly mode: 'demo' | 'configured';
  /** Where the configuration came from, for start-up messages. */
  readonly source: string;
  readonly trust?: Readonly<{ id: string; name: string; digest?: DigestConfig }>;
  readonly schools: readonly School[];
  readonly server: Readonly<{ host: string; port: number; publicUrl?: string }>;
  /** Null when no Microsoft credentials are configured (demo / local mode). */
  readonly bot: BotCredentials | null;
  /** `downGraceMs`: how long the embedded database may stay down before /healthz reports the server unhealthy. */
  readonly database: Readonly<{ uri?: string; dataDir: string; downGraceMs: number }>;
  readonly logLevel: string;
  /** Google sign-in (OpenID Connect) for the pupil sign page; null until LANTERN_GOOGLE_SIGNIN_CLIENT_ID and _SECRET are set. */
  readonly pupilSignIn: Readonly<{ issuer: string; clientId: string; clientSecret: string }> | null;
  /** How Lantern sends mail as the school (the governors' digest); secrets are null when their env var is unset. */
  readonly mail: MailCredentials;
  /** Secrets of the audit-log connectors (B1), by school id; a school is absent when it does not monitor that source. */
  readonly monitoring: MonitoringCredentials;
  /** Secrets of the Entra directory source (B3), by school id. */
  readonly directory: DirectoryCredentials;
  /** Where the integrity key comes from; the key itself is read by `integrity/key.ts`. */
  readonly integrity: IntegrityKeySource;
}

/**
 * The integrity key's source: `LANTERN_INTEGRITY_KEY` (hex), else a key file (`integrity.keyFile`, or
 * `LANTERN_INTEGRITY_KEY_FILE`); the demo school uses `<dataDir>/integrity.key`, generated when missing.
 */
export interface IntegrityKeySource {
  readonly key: string | null;
  readonly keyFile: string | null;
  readonly generate: boolean;
}

/** Audit-log connector credentials per school: Google through mail.google's service account key, Microsoft through a client secret. */
export interface MonitoringCredentials {
  readonly google: Readonly<Record<string, Readonly<{ serviceAccountKeyFile: string; adminSubject: string }>>>;
  readonly microsoft: Readonly<Record<string, Readonly<{ tenantId: string; clientId: string; clientSecret: string }>>>;
}

/** Mail-sending settings: a Google service account with domain-wide delegation, and/or a Microsoft Entra app. */
export interface MailCredentials {
  readonly google: Readonly<{ serviceAccountKeyFile: string | null; apiUrl?: string; tokenUrl?: string }>;
  readonly microsoft: Readonly<{ tenantId: string | null; clientId: string | null; clientSecret: string | null; authorityHost: string; graphUrl: string }>;
}

/** The environment variables Lantern reads; everything else comes from the config file. */
export const ENV_KEYS = {
  configFile: 'LANTERN_CONFIG',
  mongodbUri: 'MONGODB_URI',
  botAppId: 'LANTERN_BOT_APP_ID',
  botAppSecret: 'LANTERN_BOT_APP_SECRET',
  botTenantId: 'LANTERN_BOT_TENANT_ID',
  botOpenIdMetadataUrl: 'LANTERN_BOT_OPENID_METADATA_URL',
  host: 'LANTERN_HOST',
  port: 'PORT',
  publicUrl: 'LANTERN_PUBLIC_URL',
  dataDir: 'LANTERN_DATA_DIR',
  dbDownGraceSeconds: 'LANTERN_DB_DOWN_GRACE_SECONDS',
  logLevel: 'LOG_LEVEL',
  signInIssuer: 'LANTERN_GOOGLE_SIGNIN_ISSUER',
  signInClientId: 'LANTERN_GOOGLE_SIGNIN_CLIENT_ID',
  signInClientSecret: 'LANTERN_GOOGLE_SIGNIN_CLIENT_SECRET',
  googleServiceAccountKeyFile: 'LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE',
  msClientId: 'LANTERN_MS_CLIENT_ID',
  msTenantId: 'LANTERN_MS_TENANT_ID',
  msClientSecret: 'LANTERN_MS_CLIENT_SECRET',
  integrityKey: 'LANTERN_INTEGRITY_KEY',
  integrityKeyFile: 'LANTERN_INTEGRITY_KEY_FILE',
} as const;

const DEFAULT_FILE = 'lantern.config.yaml';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and parses a config file, with a finder of each key's line (YAML only) for the error messages. */
export function readConfigSource(file: string): { raw: unknown; lineOf?: LineFinder } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LanternError(ErrorCode.ConfigUnreadable, `Cannot read the config file ${file}: check the path and permissions.`, { cause: err });
  }
  try {
    if (file.endsWith('.json')) return { raw: JSON.parse(text) };
    return { raw: parseYaml(text, { prettyErrors: true }), lineOf: yamlLineFinder(text) };
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new LanternError(ErrorCode.ConfigInvalid, `${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}${where}: ${why}`, {
      cause: err,
      details: [`${file}${where}: fix the syntax (${why})`],
    });
  }
}

/** Validates parsed file content; throws a LanternError whose details name each bad key (and its line, when `lineOf` is given). */
export function validateFileConfig(raw: unknown, label: string, lineOf?: LineFinder): FileConfig {
  const parsed = FileConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const details = formatIssues(parsed.error.issues, lineOf);
    throw new LanternError(ErrorCode.ConfigInvalid, `${label} has ${details.length} problem(s):\n  ${details.join('\n  ')}`, { details });
  }
  return parsed.data;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function readIntegrityKeySource(file: FileConfig, env: Env, where: { file: string | undefined; cwd: string; dataDir: string }): IntegrityKeySource {
  const key = env[ENV_KEYS.integrityKey]?.trim() || null;
  if (key !== null && !/^[0-9a-fA-F]{64,}$/.test(key)) envProblem(ENV_KEYS.integrityKey, 'must be at least 64 hex characters (32 bytes), e.g. the output of `openssl rand -hex 32`');
  const fromEnv = env[ENV_KEYS.integrityKeyFile]?.trim();
  if (fromEnv) return { key, keyFile: path.resolve(where.cwd, fromEnv), generate: false };
  if (file.integrity) return { key, keyFile: path.resolve(where.file ? path.dirname(where.file) : where.cwd, file.integrity.keyFile), generate: false };
  // Only the demo makes its own key: a school's key is a secret it chooses where to keep.
  if (!where.file) return { key, keyFile: path.join(where.dataDir, 'integrity.key'), generate: true };
  return { key, keyFile: null, generate: false };
}

function envProblem(key: string, fix: string): never {
  throw new LanternError(ErrorCode.ConfigInvalid, `${key}: ${fix}`, { details: [`${key}: ${fix}`] });
}

function readBotCredentials(file: FileConfig, env: Env, requireSecrets: boolean): BotCredentials | null {
  const appId = env[ENV_KEYS.botAppId]?.trim() || file.bot.appId;
  const appSecret = env[ENV_KEYS.botAppSecret]?.trim();
  const tenantId = env[ENV_KEYS.botTenantId]?.trim() || file.bot.tenantId;
  const openIdMetadataUrl = env[ENV_KEYS.botOpenIdMetadataUrl]?.trim() || file.bot.openIdMetadataUrl || BOT_FRAMEWORK_OPENID_METADATA_URL;
  if (!isHttpsOrLoopback(openIdMetadataUrl)) envProblem(ENV_KEYS.botOpenIdMetadataUrl, `must be an https URL such as ${BOT_FRAMEWORK_OPENID_METADATA_URL} (plain http only on 127.0.0.1 or localhost)`);
  if (!appId && !appSecret) return null;
  if (!appId) envProblem(ENV_KEYS.botAppId, 'is missing while LANTERN_BOT_APP_SECRET is set; set bot.appId in the config file or LANTERN_BOT_APP_ID');
  if (!appSecret) {
    if (!requireSecrets) return { appId, appSecret: '', openIdMetadataUrl, ...(tenantId ? { tenantId } : {}) };
    envProblem(ENV_KEYS.botAppSecret, `is missing; set it to the client secret of the Entra app ${appId}`);
  }
  return { appId, appSecret, openIdMetadataUrl, ...(tenantId ? { tenantId } : {}) };
}

function readMailCredentials(file: FileConfig, env: Env, cwd: string): MailCredentials {
  const keyFileRaw = env[ENV_KEYS.googleServiceAccountKeyFile]?.trim();
  const keyFile = keyFileRaw ? path.resolve(cwd, keyFileRaw) : null;
  if (keyFile && !existsSync(keyFile)) {
    envProblem(ENV_KEYS.googleServiceAccountKeyFile, `names ${keyFile}, which does not exist; set it to the JSON key file of the Google service account`);
  }
  const google = file.mail?.google ?? {};
  const ms = file.mail?.microsoft ?? { authorityHost: 'https://login.microsoftonline.com', graphUrl: 'https://graph.microsoft.com/v1.0' };
  const clientId = env[ENV_KEYS.msClientId]?.trim() || ms.clientId || null;
  const tenantId = env[ENV_KEYS.msTenantId]?.trim() || ms.tenantId || null;
  return {
    google: { serviceAccountKeyFile: keyFile, ...(google.apiUrl ? { apiUrl: google.apiUrl } : {}), ...(google.tokenUrl ? { tokenUrl: google.tokenUrl } : {}) },
    microsoft: { tenantId, clientId, clientSecret: env[ENV_KEYS.msClientSecret]?.trim() || null, authorityHost: ms.authorityHost, graphUrl: ms.graphUrl },
  };
}

/** The per-school variant of LANTERN_MS_CLIENT_SECRET, e.g. LANTERN_MS_CLIENT_SECRET_NORTHGATE for school "northgate". */
export function msSecretEnvKey(schoolId: string): string {
  return `${ENV_KEYS.msClientSecret}_${schoolId.toUpperCase().replace(/-/g, '_')}`;
}

function readMonitoringCredentials(file: FileConfig, env: Env, mail: MailCredentials, requireSecrets: boolean): MonitoringCredentials {
  const google: Record<string, { serviceAccountKeyFile: string; adminSubject: string }> = {};
  const microsoft: Record<string, { tenantId: string; clientId: string; clientSecret: string }> = {};
  for (const school of file.schools) {
    const g = school.google;
    if (g?.adminSubject) {
      if (mail.google.serviceAccountKeyFile) google[school.id] = { serviceAccountKeyFile: mail.google.serviceAccountKeyFile, adminSubject: g.adminSubject };
      else if (requireSecrets) envProblem(ENV_KEYS.googleServiceAccountKeyFile, `is missing; school ${school.id} sets google.adminSubject, so set it to the JSON key file of the service account that has domain-wide delegation`);
    }
    const m = school.microsoft;
    if (m?.monitoring?.enabled) {
      const secretKey = msSecretEnvKey(school.id);
      const clientSecret = env[secretKey]?.trim() || mail.microsoft.clientSecret;
      const clientId = m.clientId ?? mail.microsoft.clientId ?? file.bot.appId ?? env[ENV_KEYS.botAppId]?.trim();
      if (!clientSecret) {
        if (requireSecrets) envProblem(secretKey, `is missing; school ${school.id} turns on microsoft.monitoring, so set ${secretKey} (or ${ENV_KEYS.msClientSecret}) to the client secret of its Entra app`);
      } else if (!clientId) {
        envProblem(ENV_KEYS.msClientId, `is missing; school ${school.id} turns on microsoft.monitoring, so set microsoft.clientId in the config file or ${ENV_KEYS.msClientId}`);
      } else microsoft[school.id] = { tenantId: m.tenantId, clientId, clientSecret };
    }
  }
  return { google, microsoft };
}

function readPupilSignIn(env: Env): LanternConfig['pupilSignIn'] {
  const clientId = env[ENV_KEYS.signInClientId]?.trim();
  const clientSecret = env[ENV_KEYS.signInClientSecret]?.trim();
  if (!clientId && !clientSecret) return null;
  if (!clientId) envProblem(ENV_KEYS.signInClientId, 'is missing; set it to the OAuth client id of the Google sign-in client (ends .apps.googleusercontent.com)');
  if (!clientSecret) envProblem(ENV_KEYS.signInClientSecret, `is missing; set it to the client secret of the OAuth client ${clientId}`);
  const issuer = env[ENV_KEYS.signInIssuer]?.trim() || 'https://accounts.google.com';
  if (!/^https?:\/\/[^\s]+$/.test(issuer)) envProblem(ENV_KEYS.signInIssuer, `must be the issuer URL, e.g. https://accounts.google.com; got "${issuer}"`);
  return { issuer, clientId, clientSecret };
}

function readPort(env: Env, fallback: number): number {
  const raw = env[ENV_KEYS.port];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) envProblem(ENV_KEYS.port, `must be a port number 0–65535, got "${raw}"`);
  return port;
}

function readDownGraceMs(env: Env): number {
  const raw = env[ENV_KEYS.dbDownGraceSeconds]?.trim();
  if (!raw) return 30_000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) envProblem(ENV_KEYS.dbDownGraceSeconds, `must be a number of seconds (0 or more), got "${raw}"`);
  return seconds * 1000;
}

/**
 * LANTERN_PUBLIC_URL replaces `server.publicUrl` before validation, so the checks that need an https address
 * (Google push) see the one the deployment gives (a cloud template knows the address only once deployed).
 */
function withPublicUrl(raw: unknown, publicUrl: string | undefined): unknown {
  if (!publicUrl || typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const record = raw as Record<string, unknown>;
  const server = typeof record.server === 'object' && record.server !== null ? record.server : {};
  return { ...record, server: { ...server, publicUrl } };
}

/**
 * Loads the configuration: the file named by `file` (or LANTERN_CONFIG, or ./lantern.config.yaml when present),
 * or the built-in demo school when there is none; secrets and deployment settings come from `env`.
 * `requireSecrets: false` (for `lantern config check` on a machine without the secrets) leaves a
 * missing bot secret empty instead of failing.
 */
export function loadConfig(options: { file?: string; env?: Env; cwd?: string; requireSecrets?: boolean } = {}): LanternConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.file ?? env[ENV_KEYS.configFile];
  const fallbackFile = path.join(cwd, DEFAULT_FILE);
  const file = explicit ? path.resolve(cwd, explicit) : existsSync(fallbackFile) ? fallbackFile : undefined;

  const publicUrl = env[ENV_KEYS.publicUrl]?.trim();
  const source = file ? readConfigSource(file) : undefined;
  const fileConfig = file && source ? validateFileConfig(withPublicUrl(source.raw, publicUrl), file, source.lineOf) : demoFileConfig();
  const logLevel = env[ENV_KEYS.logLevel]?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) envProblem(ENV_KEYS.logLevel, `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);

  const uri = env[ENV_KEYS.mongodbUri]?.trim();
  if (uri && !/^mongodb(\+srv)?:\/\//.test(uri)) envProblem(ENV_KEYS.mongodbUri, 'must start with mongodb:// or mongodb+srv://');

  const mail = readMailCredentials(fileConfig, env, cwd);
  const dataDir = path.resolve(cwd, env[ENV_KEYS.dataDir]?.trim() || fileConfig.dataDir);
  const config: LanternConfig = {
    mode: file ? 'configured' : 'demo',
    source: file ?? 'built-in demo school (Northgate Primary)',
    ...(fileConfig.trust ? { trust: fileConfig.trust } : {}),
    schools: fileConfig.schools.map((s) => ({
      ...s,
      caseNumberPrefix: s.caseNumberPrefix ?? (s.id.slice(0, 6).toUpperCase().replace(/[^A-Z]/g, '') || 'CASE'),
      // Paths in the file are relative to the file, so a config works from any working directory.
      directory: s.directory.source === 'csv' && file ? { ...s.directory, file: path.resolve(path.dirname(file), s.directory.file) } : s.directory,
    })),
    server: {
      host: env[ENV_KEYS.host]?.trim() || fileConfig.server.host,
      port: readPort(env, fileConfig.server.port),
      ...(fileConfig.server.publicUrl ? { publicUrl: fileConfig.server.publicUrl } : {}),
    },
    bot: readBotCredentials(fileConfig, env, options.requireSecrets ?? true),
    database: {
      ...(uri ? { uri } : {}),
      dataDir,
      downGraceMs: readDownGraceMs(env),
    },
    logLevel,
    pupilSignIn: readPupilSignIn(env),
    mail,
    monitoring: readMonitoringCredentials(fileConfig, env, mail, options.requireSecrets ?? true),
    directory: readDirectoryCredentials(fileConfig, env, { clientId: mail.microsoft.clientId, clientSecret: mail.microsoft.clientSecret, secretKeyOf: msSecretEnvKey, botAppId: fileConfig.bot.appId ?? env[ENV_KEYS.botAppId]?.trim() }),
    integrity: readIntegrityKeySource(fileConfig, env, { file, cwd, dataDir }),
  };
  return deepFreeze(config);
}
