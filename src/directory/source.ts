import type { LanternConfig, School } from '../config/load.js';
import { ErrorCode, isLanternError, LanternError } from '../errors.js';
import { googleAuthFactory } from '../google/auth.js';
import { createDirectoryClient, DIRECTORY_SCOPES, readGoogleDirectory } from '../google/directory/read-directory.js';
import { appTokenProvider } from '../microsoft/auth.js';
import { readEntraDirectory } from '../microsoft/directory/read-directory.js';
import type { RetryOptions } from '../http/retry.js';
import { wondeTokenEnvKey } from '../config/directory-credentials.js';
import { createWondeClient } from './wonde/client.js';
import { readWondeDirectory } from './wonde/read.js';
import { readLocalDirectory } from './local-source.js';
import type { PersonInput } from './person.js';

/** What a directory source returned: the people it maps, and how many of its users no rule matched. */
export interface DirectoryRead {
  people: PersonInput[];
  skipped: number;
  /** What the read could not learn but went on without (e.g. admin roles without the permission to read them). */
  warnings?: string[];
}

/** How far a read has got (users read so far, mapped, skipped), for progress lines. */
export interface DirectoryReadProgress {
  read: number;
  mapped: number;
  skipped: number;
}

/** The stored directory an incremental read starts from, and when the last complete read started. */
export interface DirectoryBaseline {
  since: Date;
  /** The school's active people as stored. */
  people: readonly PersonInput[];
}

/** What reading a remote source needs besides the school: credentials, and (for tests) retry timing. */
export interface DirectoryReadContext {
  config: LanternConfig;
  /** For sources that can read only what changed (Wonde): the stored directory to merge the changes onto. */
  baseline?: DirectoryBaseline | undefined;
  retry?: RetryOptions;
  signal?: AbortSignal;
  onProgress?(progress: DirectoryReadProgress): void;
}

/** True for the sources read over the network (Google Workspace, Microsoft Entra, Wonde). */
export function isRemoteDirectory(school: School): boolean {
  return school.directory.source === 'google' || school.directory.source === 'entra' || school.directory.source === 'wonde';
}

/** True for the sources that can read only what changed since the last complete read. */
export function readsIncrementally(school: School): boolean {
  return school.directory.source === 'wonde';
}

// Local directories are read without loading the remote clients (the offline scan needs only these).
export { readLocalDirectory };

function remoteFailure(err: unknown, source: string): LanternError {
  if (isLanternError(err, ErrorCode.DirectorySourceFailed)) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new LanternError(ErrorCode.DirectorySourceFailed, `Reading the ${source} directory failed: ${why} The directory was left as it was; the next sync tries again.`, { cause: err });
}

async function readGoogle(school: School, ctx: DirectoryReadContext): Promise<DirectoryRead> {
  const d = school.directory;
  if (d.source !== 'google') throw new Error('not a google directory');
  const keyFile = ctx.config.mail.google.serviceAccountKeyFile;
  if (!keyFile) throw new LanternError(ErrorCode.DirectorySourceFailed, `School ${school.id} reads its directory from Google: set LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE to the JSON key of the service account that has domain-wide delegation.`);
  const subject = d.adminSubject ?? school.google?.adminSubject;
  if (!subject) throw new LanternError(ErrorCode.DirectorySourceFailed, `School ${school.id}: set directory.adminSubject to an administrator the service account acts as.`);
  const auth = googleAuthFactory({ keyFile, refreshOnAuthFailure: true, ...(ctx.config.mail.google.tokenUrl ? { tokenUrl: ctx.config.mail.google.tokenUrl } : {}) })(subject, DIRECTORY_SCOPES);
  return readGoogleDirectory({
    client: createDirectoryClient(auth, d.apiUrl),
    rules: d.rules,
    ...(ctx.retry ? { retry: ctx.retry } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
  });
}

async function readEntra(school: School, ctx: DirectoryReadContext): Promise<DirectoryRead> {
  const d = school.directory;
  if (d.source !== 'entra') throw new Error('not an entra directory');
  const creds = ctx.config.directory.entra[school.id];
  if (!creds) throw new LanternError(ErrorCode.DirectorySourceFailed, `School ${school.id} reads its directory from Entra: ${ctx.config.directory.missing[school.id] ?? 'set microsoft.tenantId and the app credentials'}.`);
  const authorityHost = school.microsoft?.monitoring?.authorityHost ?? ctx.config.mail.microsoft.authorityHost;
  return readEntraDirectory({
    tokens: appTokenProvider({ ...creds, authorityHost }),
    rules: d.rules,
    graphUrl: d.graphUrl ?? school.microsoft?.monitoring?.graphUrl ?? ctx.config.mail.microsoft.graphUrl,
    ...(ctx.retry ? { retry: ctx.retry } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
  });
}

async function readWonde(school: School, ctx: DirectoryReadContext): Promise<DirectoryRead> {
  const d = school.directory;
  if (d.source !== 'wonde') throw new Error('not a wonde directory');
  const token = ctx.config.directory.wonde[school.id];
  if (!token) throw new LanternError(ErrorCode.DirectorySourceFailed, `School ${school.id} reads its directory from Wonde: ${ctx.config.directory.missing[school.id] ?? `set ${wondeTokenEnvKey(school.id)}`}.`);
  return readWondeDirectory({
    client: createWondeClient({ apiUrl: d.apiUrl, wondeSchoolId: d.schoolId, token, retry: ctx.retry, signal: ctx.signal }),
    vulnerableGroups: d.vulnerableGroups,
    baseline: ctx.baseline,
    ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
  });
}

const REMOTE_READERS = { google: readGoogle, entra: readEntra, wonde: readWonde } as const;

/**
 * Reads a school's configured directory: the demo school, a CSV file, Google Workspace (OUs and groups),
 * Microsoft Entra (groups), mapped by the school's rules, or the school's MIS through Wonde. Remote sources need `ctx` for their credentials;
 * every remote failure becomes a DirectorySourceFailed error and nothing is returned half-read.
 */
export async function readDirectory(school: School, ctx?: DirectoryReadContext): Promise<DirectoryRead> {
  const local = readLocalDirectory(school);
  if (local) {
    ctx?.onProgress?.({ read: local.length, mapped: local.length, skipped: 0 });
    return { people: local, skipped: 0 };
  }
  if (!ctx) throw new LanternError(ErrorCode.DirectorySourceFailed, `School ${school.id}'s ${school.directory.source} directory is read by the directory sync job or \`lantern directory sync\`.`);
  try {
    const source = school.directory.source;
    if (source === 'demo' || source === 'csv') throw new Error(`${source} is read locally`);
    return await REMOTE_READERS[source](school, ctx);
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    throw remoteFailure(err, school.directory.source);
  }
}
