import { QuotaWindow, type QuotaLimit } from '../../http/quota-window.js';
import { deltaStart, readDeltaPage, readItemPermissions, readSitesPage, type GraphDriveItem, type GraphItemPermission, type GraphReadAccess } from '../../microsoft/drives/inventory-reads.js';
import { domainOf, isInside, type SchoolView } from './classify.js';
import { paced, type ThrottleStats } from './paced.js';
import { GRAPH_DELTA_PAGE, GRAPH_RU_COST } from './quotas.js';
import type { ExposedShare, ListedFile } from './types.js';
import type { InventoryUnit, InventoryWalker } from './walker.js';

/** What the OneDrive / SharePoint walk needs: Graph access, the school, whose OneDrives to read, and the tenant's limits. */
export interface MicrosoftWalkerOptions {
  access: GraphReadAccess;
  view: SchoolView;
  /** Entra object id (or user principal name) and address of each user whose OneDrive to read. */
  users: readonly { id: string; email: string }[];
  /** Also walk every SharePoint site's default library. */
  sites: boolean;
  quota: { perMinute: QuotaLimit; perDay: QuotaLimit };
}

function emailsOf(p: GraphItemPermission): string[] {
  return [p.grantedToV2, ...(p.grantedToIdentitiesV2 ?? [])]
    .map((g) => String(g?.user?.email ?? g?.siteUser?.email ?? '').toLowerCase())
    .filter((e) => e.includes('@'));
}

/** The item's own (not inherited) grants that reach outside the school, and the inside addresses it is shared with. */
export function graphShares(view: SchoolView, permissions: readonly GraphItemPermission[]): { shares: ExposedShare[]; sharedWith: string[] } {
  const shares: ExposedShare[] = [];
  const sharedWith: string[] = [];
  for (const p of permissions) {
    if (!p.id || p.inheritedFrom || (p.roles ?? []).includes('owner')) continue;
    const role = (p.roles ?? []).join(',') || 'read';
    if (p.link?.scope === 'anonymous') shares.push({ kind: 'anyone-with-link', role, permissionId: p.id });
    for (const e of emailsOf(p)) {
      if (isInside(view, e)) sharedWith.push(e);
      else shares.push({ kind: 'external-user', role, permissionId: p.id, domain: domainOf(e) });
    }
  }
  return { shares, sharedWith };
}

/**
 * Walks every OneDrive and SharePoint library with driveItem delta, inside the tenant's resource-unit limits. An item
 * whose `shared` facet says "anyone" is exposed without asking more; one shared with named people costs a permissions
 * read (5 units) to tell guests from colleagues; one shared only inside the organisation costs nothing more.
 */
export function microsoftWalker(options: MicrosoftWalkerOptions): InventoryWalker {
  const stats: ThrottleStats = { throttled: 0 };
  const windows = [new QuotaWindow(options.quota.perDay), new QuotaWindow(options.quota.perMinute)];
  const { access, view } = options;

  async function judgeItem(unit: InventoryUnit, item: GraphDriveItem, signal?: AbortSignal): Promise<ListedFile | undefined> {
    const scope = item.shared?.scope;
    if (!item.id || item.deleted || item.root || !scope || scope === 'organization') return undefined;
    const driveId = item.parentReference?.driveId;
    const owner = unit.kind === 'onedrive' ? String(unit.user) : String(item.createdBy?.user?.email ?? item.shared?.owner?.user?.email ?? unit.unitId).toLowerCase();
    let shared: { shares: ExposedShare[]; sharedWith: string[] } = { shares: [], sharedWith: [] };
    if (scope === 'anonymous') shared = { shares: [{ kind: 'anyone-with-link', role: 'link' }], sharedWith: [] };
    else if (driveId) shared = graphShares(view, await paced(() => readItemPermissions(access, driveId, String(item.id), signal), windows, GRAPH_RU_COST.permissions, stats, { signal }));
    return {
      fileId: item.id,
      ...(driveId ? { driveId } : {}),
      owner,
      ...(item.name ? { title: item.name } : {}),
      ...(item.file?.mimeType ? { mimeType: item.file.mimeType } : {}),
      folder: Boolean(item.folder),
      ...(item.lastModifiedDateTime ? { modifiedAt: new Date(item.lastModifiedDateTime) } : {}),
      ...shared,
    };
  }

  return {
    source: 'microsoft',
    throttled: () => stats.throttled,
    async listUnits(signal) {
      const units: InventoryUnit[] = options.users.map((u) => ({ unitId: `onedrive:${u.id}`, kind: 'onedrive', user: u.email.toLowerCase() }));
      if (!options.sites) return units;
      let next: string | undefined;
      do {
        const cursor = next;
        const page = await paced(() => readSitesPage(access, cursor, signal), windows, GRAPH_RU_COST.multiItem, stats, { signal });
        for (const s of page.sites) units.push({ unitId: `site:${s.id}`, kind: 'site' });
        next = page.nextLink;
      } while (next);
      return units;
    },
    async readPage(unit, cursor, signal) {
      const id = unit.unitId.slice(unit.unitId.indexOf(':') + 1);
      const url = cursor ?? deltaStart(access, { kind: unit.kind === 'site' ? 'site' : 'user', id }, GRAPH_DELTA_PAGE);
      const page = await paced(() => readDeltaPage(access, url, signal), windows, cursor ? GRAPH_RU_COST.deltaWithToken : GRAPH_RU_COST.multiItem, stats, { signal });
      const judged = await Promise.all(page.items.map((item) => judgeItem(unit, item, signal)));
      const files = judged.filter((f): f is ListedFile => f !== undefined);
      const seen = page.items.filter((i) => i.id && !i.deleted && !i.root).length;
      return { seen, files, ...(page.nextLink ? { next: page.nextLink } : {}) };
    },
  };
}
