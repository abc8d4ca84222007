import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { formatIssues } from '../../config/format-issues.js';
import type { School } from '../../config/load.js';
import { ROLES } from '../../directory/roles.js';
import { ErrorCode, LanternError } from '../../errors.js';
import { ALL_RULES } from '../rules/index.js';
import { RuleSettingSchema, unknownRuleIds, type RuleSettings } from '../settings.js';
import { parseSuppressions, type Suppression } from '../suppressions.js';
import type { TenantInput, TenantPerson } from '../tenant.js';

const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { error: 'must be a domain name such as northgate.sch.uk' });

const PersonSchema = z.object({
  email: z.string().trim().toLowerCase().email({ error: 'must be an email address' }),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
  yearGroup: z.union([z.string(), z.number()]).transform(String).optional(),
  form: z.string().optional(),
  dsl: z.boolean().optional(),
  /** Admin roles the person holds (e.g. "Super Admin", "Global Administrator"); raises account-safety detections. */
  adminRoles: z.array(z.string().trim().min(1)).optional(),
});

/** The scan's own tenant file: domains, people, and optionally rule settings and suppressions. */
const TenantFileSchema = z.strictObject({
  ownDomains: z.array(Domain).min(1, { error: "list the school's own email domains, e.g. [northgate.sch.uk]" }),
  trustedDomains: z.array(Domain).default([]),
  people: z.array(PersonSchema).default([]),
  rules: z.record(z.string(), RuleSettingSchema).default({}),
  suppressions: z.array(z.unknown()).default([]),
  /** OAuth apps the school approved (client ids or names), as `lantern monitor allowlist add --app` records them. */
  approvedApps: z.array(z.string().trim().min(1)).default([]),
});

/** A tenant file, validated and ready for the engine. */
export interface LoadedTenant {
  input: TenantInput;
  settings: RuleSettings;
  suppressions: Suppression[];
  /** What the file was understood as, for the summary. */
  description: string;
}

function invalid(file: string, details: string[]): never {
  throw new LanternError(ErrorCode.ConfigInvalid, `${file} has ${details.length} problem(s):\n  ${details.join('\n  ')}`, { details });
}

// The school shape and YAML are loaded only when a file uses them: a JSON tenant file (the common case, and the
// bench's) then starts the scan without the YAML parser, the config schema or the CSV directory reader.
async function fromSchool(raw: unknown, file: string): Promise<LoadedTenant> {
  const [{ SchoolSchema }, { readLocalDirectory }] = await Promise.all([import('../../config/schema.js'), import('../../directory/local-source.js')]);
  const parsed = SchoolSchema.safeParse(raw);
  if (!parsed.success) invalid(file, formatIssues(parsed.error.issues));
  const s = parsed.data;
  const directory = s.directory.source === 'csv' ? { ...s.directory, file: path.resolve(path.dirname(file), s.directory.file) } : s.directory;
  const school = { ...s, directory, caseNumberPrefix: s.caseNumberPrefix ?? 'CASE' } as School;
  const dsl = new Set(s.dsl.members.map((m) => m.email));
  const people: TenantPerson[] = [];
  // The scan is offline: a Google or Entra directory is not fetched (give the scan its own tenant file with people).
  for (const p of readLocalDirectory(school) ?? []) {
    if (!p.email) continue;
    people.push({ email: p.email, role: p.role, ...(p.yearGroup ? { yearGroup: p.yearGroup } : {}), ...(p.form ? { form: p.form } : {}), ...(dsl.has(p.email) ? { dsl: true } : {}) });
  }
  for (const email of dsl) if (!people.some((p) => p.email === email)) people.push({ email, role: 'staff', dsl: true });
  return {
    input: { ownDomains: s.ownDomains, trustedDomains: s.trustedDomains, people },
    settings: {},
    suppressions: [],
    description: `school ${s.id} (${s.name}), ${people.length} people from its ${s.directory.source} directory`,
  };
}

/**
 * Reads a tenant file (JSON or YAML): either the scan's own shape ({ownDomains, trustedDomains, people,
 * rules?, suppressions?}), a school entry from the main config, or a main config with exactly one school.
 */
export async function loadTenantFile(file: string): Promise<LoadedTenant> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LanternError(ErrorCode.ConfigUnreadable, `Cannot read the tenant file ${file}: check the path and permissions.`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : (await import('yaml')).parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new LanternError(ErrorCode.ConfigInvalid, `${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${why}`, { cause: err });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) invalid(file, ['(top level): must be an object with ownDomains, trustedDomains and people']);
  const o = raw as Record<string, unknown>;
  if (Array.isArray(o.schools)) {
    if (o.schools.length !== 1) invalid(file, [`schools: the file lists ${o.schools.length} schools; give the scan a file with one school entry (or the scan's own tenant shape)`]);
    return fromSchool(o.schools[0], file);
  }
  if ('dsl' in o || 'directory' in o) return fromSchool(o, file);
  const parsed = TenantFileSchema.safeParse(raw);
  if (!parsed.success) invalid(file, formatIssues(parsed.error.issues));
  const t = parsed.data;
  const problems = unknownRuleIds(t.rules, ALL_RULES).map((id) => `rules.${id}: no such rule; known rules are ${ALL_RULES.map((r) => r.id).join(', ')}`);
  const { suppressions, problems: sProblems } = parseSuppressions(t.suppressions);
  if (problems.length + sProblems.length > 0) invalid(file, [...problems, ...sProblems]);
  return {
    input: { ownDomains: t.ownDomains, trustedDomains: t.trustedDomains, people: t.people, approvedApps: t.approvedApps },
    settings: t.rules,
    suppressions,
    description: `${t.ownDomains.join(', ')}; ${t.people.length} people; ${suppressions.length} suppression(s)`,
  };
}
