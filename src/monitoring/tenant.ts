import { ROLES, type Role } from '../directory/roles.js';
import { DomainClassifier, type DomainClass } from './domains.js';

/** One person as the rules need them: who they are to the school, nothing more. */
export interface TenantPerson {
  email: string;
  role: Role;
  yearGroup?: string;
  form?: string;
  /** A member of the DSL team. */
  dsl?: boolean;
  /** Admin roles held in Google Workspace or Entra (recognisable names); an admin account raises account-safety detections. */
  adminRoles?: readonly string[];
}

/** What a school tells the rules about itself (B3): its domains and its people. */
export interface TenantInput {
  ownDomains: readonly string[];
  trustedDomains?: readonly string[];
  people?: readonly TenantPerson[];
  /** OAuth apps the school approved (client ids or names, any case); the risky-grant rules skip them. */
  approvedApps?: readonly string[];
}

/** The directory context every rule reads; built once per school and shared by every evaluation. */
export interface TenantContext {
  readonly ownDomains: readonly string[];
  readonly trustedDomains: readonly string[];
  readonly domains: DomainClassifier;
  /** The person with this email (any case), if the directory lists them. */
  person(email: string | undefined): TenantPerson | undefined;
  /** True when the directory lists this address as a pupil. */
  isPupil(email: string | undefined): boolean;
  /** Class of an address's domain: own, trusted, personal or external. */
  classifyAddress(address: string): DomainClass;
  /** True when any of the given ids or names (client id, app name) is on the school's approved-app list. */
  isApprovedApp(...idsOrNames: readonly (string | undefined)[]): boolean;
}

/** Builds the context, indexing people by lower-case email. Unknown roles are ignored rather than guessed. */
export function createTenantContext(input: TenantInput): TenantContext {
  const ownDomains = [...input.ownDomains];
  const trustedDomains = [...(input.trustedDomains ?? [])];
  const domains = new DomainClassifier(ownDomains, trustedDomains);
  const byEmail = new Map<string, TenantPerson>();
  for (const p of input.people ?? []) {
    if (typeof p?.email !== 'string' || !(ROLES as readonly string[]).includes(p.role)) continue;
    byEmail.set(p.email.trim().toLowerCase(), { ...p, email: p.email.trim().toLowerCase() });
  }
  const person = (email: string | undefined): TenantPerson | undefined => {
    if (!email || byEmail.size === 0) return undefined;
    return byEmail.get(email) ?? byEmail.get(email.toLowerCase());
  };
  const approved = new Set((input.approvedApps ?? []).map((a) => a.trim().toLowerCase()).filter(Boolean));
  return {
    ownDomains,
    trustedDomains,
    domains,
    person,
    isPupil: (email) => person(email)?.role === 'pupil',
    classifyAddress: (address) => domains.classifyAddress(address),
    isApprovedApp: (...ids) => approved.size > 0 && ids.some((id) => id !== undefined && id !== '' && approved.has(id.trim().toLowerCase())),
  };
}
