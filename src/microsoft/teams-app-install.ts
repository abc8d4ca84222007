import { ErrorCode, LanternError } from '../errors.js';
import { HttpError, httpFailureOf, parseRetryAfter } from '../http/failure.js';
import { withRetry, type RetryOptions } from '../http/retry.js';

/** App-only access to Microsoft Graph for one school. */
export interface GraphAccess {
  token(): Promise<string>;
  /** Root including the version, e.g. https://graph.microsoft.com/v1.0. */
  graphUrl: string;
}

/** Someone to install Lantern's Teams app for. */
export interface InstallTarget {
  personId: string;
  aadObjectId: string;
}

/** What one install run did, person by person. */
export interface InstallReport {
  /** The app's id in the tenant's app catalogue. */
  catalogAppId: string;
  installed: string[];
  /** Already had the app (Graph answers 409): Teams sends the bot a conversationUpdate only on a new install. */
  alreadyInstalled: string[];
  failed: { personId: string; status: number; message: string }[];
}

async function graphCall(access: GraphAccess, url: string, init: RequestInit, what: string): Promise<Response> {
  const res = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${await access.token()}`, accept: 'application/json' } });
  if (!res.ok && res.status !== 409) {
    const body = await res.text().catch(() => '');
    throw new HttpError(`Graph ${what} answered HTTP ${res.status}: ${body.slice(0, 200)}`, res.status, parseRetryAfter(res.headers.get('retry-after')));
  }
  return res;
}

/**
 * The app's id in the tenant's catalogue, found by the manifest's id (which is the bot's app id): the school's
 * IT manager uploads the package from `lantern teams package` first. Needs AppCatalog.Read.All.
 */
export async function findCatalogApp(access: GraphAccess, manifestId: string, retry: RetryOptions = {}): Promise<string> {
  const filter = encodeURIComponent(`externalId eq '${manifestId.replace(/'/g, "''")}'`);
  const res = await withRetry(() => graphCall(access, `${access.graphUrl}/appCatalogs/teamsApps?$filter=${filter}`, {}, 'the app catalogue'), httpFailureOf, retry);
  const body = (await res.json()) as { value?: { id?: string }[] };
  const id = body.value?.[0]?.id;
  if (!id) {
    throw new LanternError(
      ErrorCode.TeamsAppNotInCatalog,
      `Lantern's Teams app (manifest id ${manifestId}) is not in this tenant's app catalogue: upload the package from \`lantern teams package\` in the Teams admin centre first.`,
    );
  }
  return id;
}

/**
 * Installs the app in each person's personal scope (POST /users/{id}/teamwork/installedApps, as Microsoft's
 * Company Communicator does), one request at a time so a whole staff stays inside Graph's Teams limits;
 * throttling (429) and server errors wait as Retry-After asks and try again. Each install makes Teams send
 * the bot a conversationUpdate, which stores the chat Lantern then sends agreement cards to. Needs
 * TeamsAppInstallation.ReadWriteSelfForUser.All.
 */
export async function installForUsers(access: GraphAccess, catalogAppId: string, targets: readonly InstallTarget[], options: RetryOptions & { onProgress?(done: number, total: number): void } = {}): Promise<InstallReport> {
  const report: InstallReport = { catalogAppId, installed: [], alreadyInstalled: [], failed: [] };
  const body = JSON.stringify({ 'teamsApp@odata.bind': `${access.graphUrl}/appCatalogs/teamsApps/${encodeURIComponent(catalogAppId)}` });
  for (const [i, target] of targets.entries()) {
    try {
      const res = await withRetry(
        () => graphCall(access, `${access.graphUrl}/users/${encodeURIComponent(target.aadObjectId)}/teamwork/installedApps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }, 'the app install'),
        httpFailureOf,
        options,
      );
      (res.status === 409 ? report.alreadyInstalled : report.installed).push(target.personId);
    } catch (err) {
      // One person's failure (no Teams licence, account disabled) must not stop the others. Throttling that
      // outlasted the retries arrives wrapped, with the HTTP answer as its cause.
      const failure = httpFailureOf(err) ?? httpFailureOf((err as { cause?: unknown }).cause);
      const message = (failure instanceof Error ? failure : err instanceof Error ? err : new Error(String(err))).message;
      report.failed.push({ personId: target.personId, status: failure?.status ?? 0, message });
    }
    options.onProgress?.(i + 1, targets.length);
  }
  return report;
}
