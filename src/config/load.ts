import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ErrorCode, LanternError } from '../errors.js';
import { demoFileConfig } from './demo.js';
import { formatIssues } from './format-issues.js';
import { FileConfigSchema, type FileConfig, type SchoolConfig } from './schema.js';

/** A school as the rest of Lantern sees it: validated, with defaults filled in. */
export type School = Readonly<SchoolConfig & { caseNumberPrefix: string }>;

/** Microsoft Entra app credentials the bot uses to verify and send Teams activities. */
export interface BotCredentials {
  readonly appId: string;
  readonly appSecret: string;
  readonly tenantId?: string;
}

/** The whole validated configuration; frozen, so nothing changes it after start-up. */
export interface LanternConfig {
  readonly mode: 'demo' | 'configured';
  /** Where the configuration came from, for start-up messages. */
  readonly source: string;
  readonly trust?: Readonly<{ id: string; name: string }>;
  readonly schools: readonly School[];
  readonly server: Readonly<{ host: string; port: number; publicUrl?: string }>;
  /** Null when no Microsoft credentials are configured (demo / local mode). */
  readonly bot: BotCredentials | null;
  readonly database: Readonly<{ uri?: string; dataDir: string }>;
  readonly logLevel: string;
}

/** The environment variables Lantern reads; everything else comes from the config file. */
export const ENV_KEYS = {
  configFile: 'LANTERN_CONFIG',
  mongodbUri: 'MONGODB_URI',
  botAppId: 'LANTERN_BOT_APP_ID',
  botAppSecret: 'LANTERN_BOT_APP_SECRET',
  botTenantId: 'LANTERN_BOT_TENANT_ID',
  host: 'LANTERN_HOST',
  port: 'PORT',
  dataDir: 'LANTERN_DATA_DIR',
  logLevel: 'LOG_LEVEL',
} as const;

const DEFAULT_FILE = 'lantern.config.yaml';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and parses a YAML or JSON config file, without validating it. */
export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LanternError(ErrorCode.ConfigUnreadable, `Cannot read the config file ${file}: check the path and permissions.`, { cause: err });
  }
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new LanternError(ErrorCode.ConfigInvalid, `${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}${where}: ${why}`, {
      cause: err,
      details: [`${file}${where}: fix the syntax (${why})`],
    });
  }
}

/** Validates parsed file content; throws a LanternError whose details name each bad key. */
export function validateFileConfig(raw: unknown, label: string): FileConfig {
  const parsed = FileConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const details = formatIssues(parsed.error.issues);
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

function envProblem(key: string, fix: string): never {
  throw new LanternError(ErrorCode.ConfigInvalid, `${key}: ${fix}`, { details: [`${key}: ${fix}`] });
}

function readBotCredentials(file: FileConfig, env: Env, requireSecrets: boolean): BotCredentials | null {
  const appId = env[ENV_KEYS.botAppId]?.trim() || file.bot.appId;
  const appSecret = env[ENV_KEYS.botAppSecret]?.trim();
  const tenantId = env[ENV_KEYS.botTenantId]?.trim() || file.bot.tenantId;
  if (!appId && !appSecret) return null;
  if (!appId) envProblem(ENV_KEYS.botAppId, 'is missing while LANTERN_BOT_APP_SECRET is set; set bot.appId in the config file or LANTERN_BOT_APP_ID');
  if (!appSecret) {
    if (!requireSecrets) return { appId, appSecret: '', ...(tenantId ? { tenantId } : {}) };
    envProblem(ENV_KEYS.botAppSecret, `is missing; set it to the client secret of the Entra app ${appId}`);
  }
  return tenantId ? { appId, appSecret, tenantId } : { appId, appSecret };
}

function readPort(env: Env, fallback: number): number {
  const raw = env[ENV_KEYS.port];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) envProblem(ENV_KEYS.port, `must be a port number 0–65535, got "${raw}"`);
  return port;
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

  const fileConfig = file ? validateFileConfig(readConfigFile(file), file) : demoFileConfig();
  const logLevel = env[ENV_KEYS.logLevel]?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) envProblem(ENV_KEYS.logLevel, `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);

  const uri = env[ENV_KEYS.mongodbUri]?.trim();
  if (uri && !/^mongodb(\+srv)?:\/\//.test(uri)) envProblem(ENV_KEYS.mongodbUri, 'must start with mongodb:// or mongodb+srv://');

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
      dataDir: path.resolve(cwd, env[ENV_KEYS.dataDir]?.trim() || fileConfig.dataDir),
    },
    logLevel,
  };
  return deepFreeze(config);
}
