/**
 * A synthetic school tenant for the inventory stand-in and benchmark: users (pupils and staff), their files and a
 * fixed share of them exposed outside the school, generated from indexes so a million files take no memory.
 */
export interface TenantSpec {
  domain: string;
  users: number;
  files: number;
  /** SharePoint sites, each with `siteFiles` files. */
  sites: number;
  siteFiles: number;
  /** Percent of files shared outside the school (anyone link, outside user or outside domain). */
  exposedPercent: number;
}

/** A user of the synthetic tenant. */
export interface TenantUser {
  index: number;
  email: string;
  role: 'pupil' | 'staff';
  aadObjectId: string;
}

/** How a synthetic file is shared. */
export type SyntheticSharing = 'none' | 'anyone' | 'external-user' | 'external-domain' | 'organization';

/** A synthetic file, source-neutral. */
export interface SyntheticFile {
  id: string;
  name: string;
  mimeType: string;
  modified: string;
  sharing: SyntheticSharing;
  /** Also shared with this pupil (inside the school). */
  pupil?: string;
  role: 'reader' | 'writer';
}

/** The outside domain synthetic files are shared with. */
export const OUTSIDE_DOMAIN = 'partner-outside.example';

const MIME = ['application/vnd.google-apps.document', 'application/vnd.google-apps.spreadsheet', 'application/pdf', 'image/jpeg'];
const PUPIL_TITLES = ['Year 5 class list', 'SEN register', 'Pupil premium tracker', 'Attendance 2026'];

function mix(a: number, b: number): number {
  let h = (a * 0x9e3779b1) ^ (b * 0x85ebca77);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}

/** The tenant's users: six in ten are pupils. */
export function tenantUser(spec: TenantSpec, index: number): TenantUser {
  return {
    index,
    email: `user${index}@${spec.domain}`,
    role: index % 10 < 6 ? 'pupil' : 'staff',
    aadObjectId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
  };
}

/** How many files user `index` owns (the files spread evenly, the remainder to the first users). */
export function filesOf(spec: TenantSpec, index: number): number {
  const base = Math.floor(spec.files / spec.users);
  return base + (index < spec.files % spec.users ? 1 : 0);
}

/** File `j` of owner `owner` (a user index, or a site index offset by one million). */
export function syntheticFile(spec: TenantSpec, owner: number, j: number, prefix: string): SyntheticFile {
  const h = mix(owner + 1, j + 1);
  const exposed = h % 10_000 < spec.exposedPercent * 100;
  const variant = (h >>> 14) % 3;
  const sharing: SyntheticSharing = exposed ? (['anyone', 'external-user', 'external-domain'] as const)[variant] as SyntheticSharing : (h >>> 8) % 50 === 0 ? 'organization' : 'none';
  const pupilData = (h >>> 20) % 5 === 0;
  const pupilIndex = ((h >>> 4) % 1000) * 10;
  return {
    id: `${prefix}-${owner}-${j}`,
    name: pupilData ? `${PUPIL_TITLES[(h >>> 3) % PUPIL_TITLES.length]} ${j}` : `Lesson notes ${j}`,
    mimeType: MIME[j % MIME.length] as string,
    modified: new Date(Date.UTC(2026, 8, 1) + (h % 8_000_000) * 1000).toISOString(),
    sharing,
    ...(exposed && (h >>> 24) % 3 === 0 && pupilIndex < spec.users ? { pupil: `user${pupilIndex}@${spec.domain}` } : {}),
    role: (h >>> 28) % 4 === 0 ? 'writer' : 'reader',
  };
}

/** How many files of a tenant are exposed outside it (to check a run found them all). */
export function countExposed(spec: TenantSpec, prefix = 'f'): number {
  let n = 0;
  for (let u = 0; u < spec.users; u++) for (let j = 0; j < filesOf(spec, u); j++) if (syntheticFile(spec, u, j, prefix).sharing !== 'none' && syntheticFile(spec, u, j, prefix).sharing !== 'organization') n++;
  return n;
}
