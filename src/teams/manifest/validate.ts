import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { formatPath } from '../../config/format-issues.js';
import { ErrorCode, LanternError } from '../../errors.js';

/** The Teams manifest schema Lantern writes: the newest one @microsoft/app-manifest bundles. */
export const TEAMS_MANIFEST_VERSION = '1.30';

interface SchemaError {
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

interface CompiledSchema {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

interface Checker {
  schema: CompiledSchema;
  semver: RegExp | undefined;
  guidPattern: string | undefined;
}

type AjvClass = new (options: object) => { compile(schema: object): CompiledSchema };
type FormatsPlugin = (ajv: object, formats: string[]) => void;

const checkers = new Map<string, Checker>();

function defaultExport<T>(mod: T | { default: T }): T {
  return typeof mod === 'object' && mod !== null && 'default' in mod ? mod.default : mod;
}

/**
 * Compiles the bundled schema for `manifestVersion` with the validator @microsoft/app-manifest itself uses
 * (ajv-draft-04 + ajv-formats, same options). We do not call its AppManifestUtils: version 1.1.2's entry point
 * requires fs-extra, which it lists only as a devDependency, so it fails to load; and it would fetch any
 * schema it does not bundle over the network, where this must work offline.
 */
function checkerFor(manifestVersion: string): Checker | undefined {
  const cached = checkers.get(manifestVersion);
  if (cached) return cached;
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve('@microsoft/app-manifest/package.json');
  } catch (err) {
    // A development dependency: absent after `npm ci --omit=dev`, so only packaging needs it.
    throw new LanternError(
      ErrorCode.ManifestInvalid,
      'Cannot check the Teams manifest: the package @microsoft/app-manifest is not installed. Run `npm install` (with development dependencies) and try again.',
      { cause: err },
    );
  }
  const schemaFile = path.join(path.dirname(packageJson), 'build', 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
  let schema: { definitions?: { semver?: { pattern?: string }; guid?: { pattern?: string } } };
  try {
    schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as typeof schema;
  } catch {
    return undefined;
  }
  const fromPackage = createRequire(packageJson);
  const Ajv = defaultExport(fromPackage('ajv-draft-04') as AjvClass | { default: AjvClass });
  const addFormats = defaultExport(fromPackage('ajv-formats') as FormatsPlugin | { default: FormatsPlugin });
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  addFormats(ajv, ['uri', 'email', 'regex']);
  const semverPattern = schema.definitions?.semver?.pattern;
  const checker = {
    schema: ajv.compile(schema),
    semver: semverPattern ? new RegExp(semverPattern) : undefined,
    guidPattern: schema.definitions?.guid?.pattern,
  };
  checkers.set(manifestVersion, checker);
  return checker;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function describe(error: SchemaError, checker: Checker): string {
  const at = pointerToPath(error.instancePath);
  const { params } = error;
  if (typeof params.missingProperty === 'string') return `${formatPath([...at, params.missingProperty])}: missing — add it`;
  if (typeof params.additionalProperty === 'string') {
    return `${formatPath([...at, params.additionalProperty])}: unknown key — remove it or check the spelling`;
  }
  if (params.pattern !== undefined && params.pattern === checker.guidPattern) {
    return `${formatPath(at)}: must be a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47 (the bot's Entra app id)`;
  }
  const allowed = Array.isArray(params.allowedValues) ? ` (${params.allowedValues.join(', ')})` : '';
  return `${formatPath(at)}: ${error.message ?? 'is invalid'}${allowed}`;
}

/**
 * Checks a Teams app manifest offline against the schema named by its manifestVersion, as bundled with
 * @microsoft/app-manifest. Returns one line per problem (empty when valid); never touches the network.
 */
export function validateTeamsManifest(manifest: unknown): string[] {
  const version = typeof manifest === 'object' && manifest !== null ? (manifest as { manifestVersion?: unknown }).manifestVersion : undefined;
  if (typeof version !== 'string') return [`manifestVersion: missing — set it to the schema version, e.g. "${TEAMS_MANIFEST_VERSION}"`];
  const checker = checkerFor(version);
  if (!checker) return [`manifestVersion: "${version}" is not a schema version @microsoft/app-manifest bundles — use "${TEAMS_MANIFEST_VERSION}"`];

  const errors = checker.schema(manifest) ? [] : (checker.schema.errors ?? []).map((error) => describe(error, checker));
  // The schema says the app version "must follow semver" and defines a semver pattern, but does not apply it to
  // `version`; Teams rejects the upload otherwise, so check it here.
  const appVersion = (manifest as { version?: unknown }).version;
  if (checker.semver && typeof appVersion === 'string' && !checker.semver.test(appVersion)) {
    errors.push(`version: "${appVersion}" must be MAJOR.MINOR.PATCH, e.g. 1.4.0`);
  }
  errors.push(...plainHttpTabs(manifest));
  return errors;
}

/**
 * The schema accepts any http(s) URL for a tab, but Teams loads tab pages only over https (and the dashboard's
 * sign-in needs its Secure, SameSite=None cookie), so a plain http one is reported here.
 */
function plainHttpTabs(manifest: unknown): string[] {
  const tabs = (manifest as { staticTabs?: unknown }).staticTabs;
  if (!Array.isArray(tabs)) return [];
  const problems: string[] = [];
  tabs.forEach((tab: unknown, i) => {
    for (const key of ['contentUrl', 'websiteUrl'] as const) {
      const url = typeof tab === 'object' && tab !== null ? (tab as Record<string, unknown>)[key] : undefined;
      if (typeof url === 'string' && !url.startsWith('https://')) {
        problems.push(`${formatPath(['staticTabs', i, key])}: "${url}" must be an https address — set server.publicUrl to the https address Teams reaches Lantern at`);
      }
    }
  });
  return problems;
}
