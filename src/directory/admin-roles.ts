/**
 * Admin role names as people recognise them. Google's audit events and Directory API name its prebuilt roles
 * by internal ids (`_SEED_ADMIN_ROLE` is Super Admin); Entra records sometimes carry a role template id
 * instead of the display name. Data, from Google's "Prebuilt administrator roles" / Directory API "Manage
 * roles" pages and Microsoft's "Microsoft Entra built-in roles" reference (template ids).
 */

/** Google prebuilt roles: internal role name → the name the Admin console shows. */
export const GOOGLE_SYSTEM_ROLES: Readonly<Record<string, string>> = {
  _SEED_ADMIN_ROLE: 'Super Admin',
  _GROUPS_ADMIN_ROLE: 'Groups Admin',
  _GROUPS_EDITOR_ROLE: 'Groups Editor',
  _GROUPS_READER_ROLE: 'Groups Reader',
  _USER_MANAGEMENT_ADMIN_ROLE: 'User Management Admin',
  _HELP_DESK_ADMIN_ROLE: 'Help Desk Admin',
  _SERVICES_ADMIN_ROLE: 'Services Admin',
  _MOBILE_ADMIN_ROLE: 'Mobile Admin',
  _STORAGE_ADMIN_ROLE: 'Storage Admin',
  _GOOGLE_VOICE_ADMIN_ROLE: 'Google Voice Admin',
  _DIRECTORY_SYNC_ADMIN_ROLE: 'Directory Sync Admin',
  _RESELLER_ADMIN_ROLE: 'Reseller Admin',
};

/** Entra built-in roles: template id → display name (the roles a school is likely to hand out). */
export const ENTRA_ROLE_TEMPLATES: Readonly<Record<string, string>> = {
  '62e90394-69f5-4237-9190-012177145e10': 'Global Administrator',
  'e8611ab8-c189-46e8-94e1-60213ab1f814': 'Privileged Role Administrator',
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13': 'Privileged Authentication Administrator',
  'c4e39bd9-1100-46d3-8c65-fb160da0071f': 'Authentication Administrator',
  'fe930be7-5e62-47db-91af-98c3a49a38b1': 'User Administrator',
  '729827e3-9c14-49f7-bb1b-9608f156bbb8': 'Helpdesk Administrator',
  '966707d0-3269-4727-9be2-8c3a10f19b9d': 'Password Administrator',
  '194ae4cb-b126-40b2-bd5b-6091b380977d': 'Security Administrator',
  '5d6b6bb7-de71-4623-b4af-96380a352509': 'Security Reader',
  'f2ef992c-3afb-46b9-b7cf-a126ee74c451': 'Global Reader',
  '29232cdf-9323-42fd-ade2-1d097af3e4de': 'Exchange Administrator',
  'f28a1f50-f6e7-4571-818b-6a12f2af6b6c': 'SharePoint Administrator',
  '69091246-20e8-4a56-aa4d-066075b2a7a8': 'Teams Administrator',
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3': 'Application Administrator',
  '158c047a-c907-4556-b7ef-446551a6b5f7': 'Cloud Application Administrator',
  'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9': 'Conditional Access Administrator',
  'fdd7a751-b60b-444a-984c-02652fe8fa1c': 'Groups Administrator',
  '3a2c62db-5318-420d-8d74-23affee5d9d5': 'Intune Administrator',
  '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2': 'Hybrid Identity Administrator',
  'b0f54661-2d74-4c50-afa3-1ec803f12efe': 'Billing Administrator',
  '17315797-102d-40b4-93e0-432062caca18': 'Compliance Administrator',
  '4a5d8f65-41da-4de4-8968-e035b65339cf': 'Reports Reader',
  '88d8e3e3-8f55-4a1e-953a-9b9898b8876b': 'Directory Readers',
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The recognisable name of a Google or Entra role: a prebuilt Google role's console name, an Entra
 * template id's display name, any other internal `_SOME_ROLE` id in words ("Some"), else the name as given.
 */
export function adminRoleName(name: string): string {
  const n = name.trim().replace(/^"|"$/g, '');
  const google = Object.hasOwn(GOOGLE_SYSTEM_ROLES, n) ? GOOGLE_SYSTEM_ROLES[n] : undefined;
  if (google) return google;
  if (GUID.test(n)) return (Object.hasOwn(ENTRA_ROLE_TEMPLATES, n.toLowerCase()) ? ENTRA_ROLE_TEMPLATES[n.toLowerCase()] : undefined) ?? `an Entra role (template ${n})`;
  const internal = /^_([A-Z0-9_]+?)_ROLE$/.exec(n);
  if (internal?.[1]) return internal[1].toLowerCase().split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
  return n;
}

/** True for roles that control the whole tenant (Google Super Admin, Entra Global / Privileged Role / Privileged Authentication Administrator). */
export function isTopAdminRole(name: string): boolean {
  return /^(super ?admin|global administrator|company administrator|privileged role administrator|privileged authentication administrator)$/i.test(adminRoleName(name));
}
