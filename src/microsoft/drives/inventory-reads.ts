import { HttpError, parseRetryAfter } from '../../http/failure.js';

/** App-only access to Microsoft Graph for one school. */
export interface GraphReadAccess {
  token(): Promise<string>;
  /** Root including the version, e.g. https://graph.microsoft.com/v1.0. */
  graphUrl: string;
}

/** A driveItem as delta returns it with the fields Lantern selects. `name` is read for the pupil-data check only. */
export interface GraphDriveItem {
  id?: string;
  name?: string;
  file?: { mimeType?: string };
  folder?: unknown;
  root?: unknown;
  deleted?: unknown;
  lastModifiedDateTime?: string;
  shared?: { scope?: string; owner?: { user?: { email?: string } } };
  createdBy?: { user?: { email?: string } };
  parentReference?: { driveId?: string };
}

/** A permission of a drive item, as Graph lists it. */
export interface GraphItemPermission {
  id?: string;
  roles?: string[];
  inheritedFrom?: unknown;
  link?: { scope?: string };
  grantedToV2?: { user?: { email?: string }; siteUser?: { email?: string } };
  grantedToIdentitiesV2?: { user?: { email?: string }; siteUser?: { email?: string } }[];
}

/** One page of a delta walk: the items, and where the next page is (absent at the end). */
export interface DeltaPage {
  items: GraphDriveItem[];
  nextLink?: string;
}

async function getJson<T>(access: GraphReadAccess, url: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${await access.token()}`, accept: 'application/json' }, ...(signal ? { signal } : {}) });
  if (!res.ok) {
    await res.body?.cancel();
    throw new HttpError(`Microsoft Graph answered HTTP ${res.status}`, res.status, parseRetryAfter(res.headers.get('retry-after')));
  }
  return (await res.json()) as T;
}

const DELTA_SELECT = '$select=id,name,file,folder,root,deleted,shared,lastModifiedDateTime,createdBy,parentReference';

/** Where a drive's delta walk starts: a user's OneDrive or a site's default document library. */
export function deltaStart(access: GraphReadAccess, unit: { kind: 'user' | 'site'; id: string }, top: number): string {
  const id = encodeURIComponent(unit.id);
  return unit.kind === 'user' ? `${access.graphUrl}/users/${id}/drive/root/delta?${DELTA_SELECT}&$top=${top}` : `${access.graphUrl}/sites/${id}/drive/root/delta?${DELTA_SELECT}&$top=${top}`;
}

/** Reads one delta page (the start URL or a nextLink). A 404 means the user has no OneDrive yet: an empty walk. */
export async function readDeltaPage(access: GraphReadAccess, url: string, signal?: AbortSignal): Promise<DeltaPage> {
  try {
    const body = await getJson<{ value?: GraphDriveItem[]; '@odata.nextLink'?: string }>(access, url, signal);
    return { items: body.value ?? [], ...(body['@odata.nextLink'] ? { nextLink: body['@odata.nextLink'] } : {}) };
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return { items: [] };
    throw err;
  }
}

/** Every site in the tenant (application permission only), page by page: ids and addresses. */
export async function readSitesPage(access: GraphReadAccess, url: string | undefined, signal?: AbortSignal): Promise<{ sites: { id: string; webUrl?: string }[]; nextLink?: string }> {
  const body = await getJson<{ value?: { id?: string; webUrl?: string }[]; '@odata.nextLink'?: string }>(access, url ?? `${access.graphUrl}/sites/getAllSites?$select=id,webUrl&$top=999`, signal);
  const sites = (body.value ?? []).filter((s): s is { id: string; webUrl?: string } => typeof s.id === 'string');
  return { sites, ...(body['@odata.nextLink'] ? { nextLink: body['@odata.nextLink'] } : {}) };
}

/** An item's permissions (who it is shared with and its links). */
export async function readItemPermissions(access: GraphReadAccess, driveId: string, itemId: string, signal?: AbortSignal): Promise<GraphItemPermission[]> {
  const body = await getJson<{ value?: GraphItemPermission[] }>(access, `${access.graphUrl}/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(itemId)}/permissions`, signal);
  return body.value ?? [];
}
