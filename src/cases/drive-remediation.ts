import { drive_v3 } from 'googleapis/build/src/apis/drive/v3.js';
import { GOOGLE_SCOPES } from '../google/scopes.js';
import type { LanternConfig, School } from '../config/load.js';
import { googleAuthFactory } from '../google/auth.js';

/** One sharing permission a remediation would remove (no file title: only ids, type, role and who). */
export interface PlannedRemoval {
  permissionId: string;
  type: string;
  role: string;
  who: string;
}

/** The outcome of one deletion, as the API answered. */
export interface RemovalResult {
  permissionId: string;
  status: number;
  error?: string;
}

const DRIVE_SCOPE = GOOGLE_SCOPES.drive.scope;

function driveFor(config: LanternConfig, owner: string) {
  const auth = googleAuthFactory({ keyFile: config.mail.google.serviceAccountKeyFile, ...(config.mail.google.tokenUrl ? { tokenUrl: config.mail.google.tokenUrl } : {}) })(owner, [DRIVE_SCOPE]);
  return new drive_v3.Drive({ auth, ...(config.mail.google.apiUrl ? { rootUrl: config.mail.google.apiUrl } : {}) });
}

function isExternal(p: { type?: string | null; emailAddress?: string | null; domain?: string | null }, school: School): boolean {
  const own = new Set([...school.ownDomains, ...school.trustedDomains]);
  const domain = p.type === 'domain' ? p.domain : p.emailAddress?.split('@')[1];
  return (p.type === 'user' || p.type === 'group' || p.type === 'domain') && Boolean(domain) && !own.has(String(domain).toLowerCase());
}

/**
 * The dry run: lists the file's permissions as its owner and returns exactly those the remediation would
 * delete — "anyone" links for remove-public-link, users, groups and domains outside the school's own and
 * trusted domains for remove-external-access.
 */
export async function planDriveRemoval(config: LanternConfig, school: School, input: { fileId: string; owner: string; kind: 'remove-public-link' | 'remove-external-access' }): Promise<PlannedRemoval[]> {
  const drive = driveFor(config, input.owner);
  const res = await drive.permissions.list({ fileId: input.fileId, supportsAllDrives: true, fields: 'permissions(id,type,role,emailAddress,domain)' });
  return (res.data.permissions ?? [])
    .filter((p) => (input.kind === 'remove-public-link' ? p.type === 'anyone' : isExternal(p, school)))
    .map((p) => ({ permissionId: String(p.id), type: String(p.type), role: String(p.role), who: p.type === 'anyone' ? 'Anyone with the link' : String(p.emailAddress ?? p.domain ?? '') }));
}

/** Deletes exactly the planned permissions (Drive permissions.delete), one by one, keeping each answer. */
export async function performDriveRemoval(config: LanternConfig, input: { fileId: string; owner: string; removals: readonly PlannedRemoval[] }): Promise<RemovalResult[]> {
  const drive = driveFor(config, input.owner);
  const results: RemovalResult[] = [];
  for (const r of input.removals) {
    try {
      const res = await drive.permissions.delete({ fileId: input.fileId, permissionId: r.permissionId, supportsAllDrives: true });
      results.push({ permissionId: r.permissionId, status: res.status });
    } catch (err) {
      const raw = (err as { status?: unknown; code?: unknown }).status ?? (err as { code?: unknown }).code;
      const status = Number(raw);
      results.push({ permissionId: r.permissionId, status: Number.isFinite(status) ? status : 0, error: err instanceof Error ? err.message.slice(0, 200) : 'failed' });
    }
  }
  return results;
}
