import type { LanternConfig, School } from '../config/load.js';
import { graphAccess } from './graph-mail-remediation.js';
import type { PlannedStep, StepResult } from './remediation-types.js';

/** Where a SharePoint / OneDrive item is, as Graph addresses it. */
export interface DriveItemRef {
  driveId: string;
  itemId: string;
}

interface GraphPermission {
  id?: string;
  roles?: string[];
  inheritedFrom?: unknown;
  link?: { scope?: string };
  grantedToV2?: Grantee;
  grantedToIdentitiesV2?: Grantee[];
}
interface Grantee {
  user?: { email?: string; displayName?: string };
  siteUser?: { email?: string; loginName?: string };
}

async function getJson<T>(url: string, token: string): Promise<T> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  if (!res.ok) throw Object.assign(new Error(`Microsoft Graph answered ${res.status}`), { status: res.status });
  return (await res.json()) as T;
}

/** `https://host/sites/staff/` → `/sites/host:/sites/staff` (the root site: `/sites/host`). */
function siteAddress(siteUrl: string): string {
  const u = new URL(siteUrl);
  const path = u.pathname.replace(/\/+$/, '');
  return path ? `/sites/${u.host}:${path}` : `/sites/${u.host}`;
}

function emailsOf(p: GraphPermission): string[] {
  const grantees = [p.grantedToV2, ...(p.grantedToIdentitiesV2 ?? [])].filter((g): g is Grantee => Boolean(g));
  return grantees.map((g) => String(g.user?.email ?? g.siteUser?.email ?? '').toLowerCase()).filter((e) => e.includes('@'));
}

/**
 * Finds the item from what the audit record gave (site URL, list id, list-item unique id): the site by its
 * path, then the list item's driveItem, which carries the drive and item ids the permissions API takes.
 */
async function locate(graphUrl: string, token: string, input: { siteUrl: string; listId: string; listItemId: string }): Promise<DriveItemRef> {
  const site = await getJson<{ id: string }>(`${graphUrl}${siteAddress(input.siteUrl)}?$select=id`, token);
  const item = await getJson<{ id: string; parentReference?: { driveId?: string } }>(
    `${graphUrl}/sites/${encodeURIComponent(site.id)}/lists/${encodeURIComponent(input.listId)}/items/${encodeURIComponent(input.listItemId)}/driveItem?$select=id,parentReference`,
    token,
  );
  if (!item.parentReference?.driveId) throw new Error('Microsoft Graph gave no drive for the item');
  return { driveId: item.parentReference.driveId, itemId: item.id };
}

/**
 * The dry run for a SharePoint / OneDrive item: its own (not inherited) permissions that the fix would delete —
 * "Anyone" links for remove-public-link; grants to addresses outside the school's own and trusted domains for
 * remove-external-access. No file name is read or shown.
 */
export async function planGraphSharingRemoval(
  config: LanternConfig,
  school: School,
  input: { siteUrl: string; listId: string; listItemId: string; kind: 'remove-public-link' | 'remove-external-access' },
): Promise<{ item: DriveItemRef; steps: PlannedStep[] }> {
  const access = graphAccess(config, school);
  if (!access) throw new Error('no Microsoft credentials');
  const item = await locate(access.graphUrl, await access.token(), input);
  return { item, steps: await planGraphItemRemoval(config, school, { item, kind: input.kind }) };
}

/** The same dry run for an item whose drive and item ids are already known (the exposure inventory stores them). */
export async function planGraphItemRemoval(config: LanternConfig, school: School, input: { item: DriveItemRef; kind: 'remove-public-link' | 'remove-external-access' }): Promise<PlannedStep[]> {
  const access = graphAccess(config, school);
  if (!access) throw new Error('no Microsoft credentials');
  const { item } = input;
  const own = new Set([...school.ownDomains, ...school.trustedDomains].map((d) => d.toLowerCase()));
  const { value } = await getJson<{ value?: GraphPermission[] }>(`${access.graphUrl}/drives/${encodeURIComponent(item.driveId)}/items/${encodeURIComponent(item.itemId)}/permissions`, await access.token());
  return (value ?? [])
    .filter((p) => p.id && !p.inheritedFrom)
    .flatMap((p): PlannedStep[] => {
      const roles = (p.roles ?? []).join(', ') || 'access';
      if (input.kind === 'remove-public-link') return p.link?.scope === 'anonymous' ? [{ id: String(p.id), who: 'Anyone with the link', what: roles }] : [];
      const outside = emailsOf(p).filter((e) => !own.has(e.split('@')[1] ?? ''));
      return outside.length ? [{ id: String(p.id), who: outside.join(', '), what: roles }] : [];
    });
}

/** Deletes exactly the planned permissions (DELETE /drives/{drive-id}/items/{item-id}/permissions/{perm-id}). */
export async function performGraphSharingRemoval(config: LanternConfig, school: School, input: { item: DriveItemRef; steps: readonly PlannedStep[] }): Promise<StepResult[]> {
  const access = graphAccess(config, school);
  if (!access) return input.steps.map((s) => ({ id: s.id, status: 0, error: 'no Microsoft credentials' }));
  const results: StepResult[] = [];
  for (const step of input.steps) {
    try {
      const url = `${access.graphUrl}/drives/${encodeURIComponent(input.item.driveId)}/items/${encodeURIComponent(input.item.itemId)}/permissions/${encodeURIComponent(step.id)}`;
      const res = await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${await access.token()}` } });
      results.push({ id: step.id, status: res.status, ...(res.ok ? {} : { error: (await res.text()).slice(0, 200) }) });
    } catch (err) {
      results.push({ id: step.id, status: 0, error: err instanceof Error ? err.message.slice(0, 200) : 'failed' });
    }
  }
  return results;
}
