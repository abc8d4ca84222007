import type { DriveFile, DriveFileLister } from '../../google/drive/list-files.js';
import { QuotaWindow, type QuotaLimit } from '../../http/quota-window.js';
import { domainOf, isInside, type SchoolView } from './classify.js';
import { paced, type ThrottleStats } from './paced.js';
import type { ExposedShare, ListedFile } from './types.js';
import type { InventoryUnit, InventoryWalker } from './walker.js';

/** What the Drive walk needs: the lister (delegated per user), the school, its users and the quota. */
export interface GoogleWalkerOptions {
  lister: DriveFileLister;
  view: SchoolView;
  /** The addresses whose Drives to read (the directory's active accounts on the school's domains). */
  users: readonly string[];
  quota: { project: QuotaLimit; perUser: QuotaLimit };
}

/** The grants of a Drive file that reach outside the school (the owner's own permission never does). */
export function driveShares(view: SchoolView, file: DriveFile): { shares: ExposedShare[]; sharedWith: string[] } {
  const shares: ExposedShare[] = [];
  const sharedWith: string[] = [];
  for (const p of file.permissions ?? []) {
    const role = String(p.role ?? 'reader');
    if (role === 'owner') continue;
    const id = p.id ? { permissionId: p.id } : {};
    if (p.type === 'anyone') shares.push({ kind: 'anyone-with-link', role, ...id });
    else if (p.type === 'domain') {
      if (!isInside(view, p.domain)) shares.push({ kind: 'external-domain', role, ...id, domain: String(p.domain ?? '').toLowerCase() });
    } else if ((p.type === 'user' || p.type === 'group') && p.emailAddress) {
      if (isInside(view, p.emailAddress)) sharedWith.push(p.emailAddress.toLowerCase());
      else shares.push({ kind: 'external-user', role, ...id, domain: domainOf(p.emailAddress) });
    }
  }
  return { shares, sharedWith };
}

/** Walks every user's own files with files.list as that user, inside the project and per-user quotas. */
export function googleWalker(options: GoogleWalkerOptions): InventoryWalker {
  const stats: ThrottleStats = { throttled: 0 };
  const project = new QuotaWindow(options.quota.project);
  const perUser = new Map<string, QuotaWindow>();
  return {
    source: 'google',
    throttled: () => stats.throttled,
    async listUnits() {
      return [...new Set(options.users.map((u) => u.toLowerCase()))].map((user) => ({ unitId: `drive:${user}`, kind: 'drive-user', user }));
    },
    async readPage(unit: InventoryUnit, cursor, signal) {
      const user = String(unit.user);
      let mine = perUser.get(user);
      if (!mine) perUser.set(user, (mine = new QuotaWindow(options.quota.perUser)));
      // The project window last: it is the one that binds, so its clock is closest to the send.
      const page = await paced(() => options.lister(user, cursor, signal), [mine, project], 1, stats, { signal });
      const files: ListedFile[] = [];
      for (const f of page.files) {
        if (!f.id) continue;
        const { shares, sharedWith } = driveShares(options.view, f);
        files.push({
          fileId: f.id,
          owner: user,
          ...(f.name ? { title: f.name } : {}),
          ...(f.mimeType ? { mimeType: f.mimeType } : {}),
          ...(f.modifiedTime ? { modifiedAt: new Date(f.modifiedTime) } : {}),
          shares,
          sharedWith,
        });
      }
      return { seen: page.files.length, files, ...(page.nextPageToken ? { next: page.nextPageToken } : {}) };
    },
  };
}
