import { z } from 'zod';
import { domainOf, isSameOrSubdomain, normaliseDomain } from './domains.js';
import { FAMILIES, type Detection } from './types.js';

/**
 * A suppression silences detections that match every field it sets (rule or family, actor, object,
 * counterparty domain) until it expires. It must say why and who: suppressions are reviewed by governors.
 */
export const SuppressionSchema = z
  .strictObject({
    id: z.string().trim().min(1).optional(),
    ruleId: z.string().trim().min(1).optional(),
    family: z.enum(FAMILIES, { error: `must be one of ${FAMILIES.join(', ')}` }).optional(),
    actor: z.string().trim().toLowerCase().min(1).optional(),
    objectId: z.string().trim().min(1).optional(),
    domain: z.string().trim().toLowerCase().min(1).optional(),
    reason: z.string().trim().min(3, { error: 'say why this is suppressed (at least a few words)' }),
    createdBy: z.string().trim().min(1, { error: 'name who agreed the suppression' }),
    expiresAt: z.iso.datetime({ offset: true, error: 'must be an ISO date-time such as 2026-07-31T00:00:00Z' }),
  })
  .refine((s) => s.ruleId || s.family || s.actor || s.objectId || s.domain, {
    error: 'set at least one of ruleId, family, actor, objectId, domain (a suppression must not silence everything)',
  });

/** A validated suppression. */
export type Suppression = z.infer<typeof SuppressionSchema> & { id: string };

/** Validates raw suppressions (from a tenant file or the database), giving each an id when it has none. */
export function parseSuppressions(raw: unknown): { suppressions: Suppression[]; problems: string[] } {
  const list = z.array(z.unknown()).safeParse(raw ?? []);
  if (!list.success) return { suppressions: [], problems: ['suppressions: must be a list'] };
  const suppressions: Suppression[] = [];
  const problems: string[] = [];
  list.data.forEach((item, i) => {
    const parsed = SuppressionSchema.safeParse(item);
    if (parsed.success) suppressions.push({ ...parsed.data, id: parsed.data.id ?? `suppression-${i + 1}` });
    else problems.push(...parsed.error.issues.map((issue) => `suppressions[${i}]${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`));
  });
  return { suppressions, problems };
}

/** True when the suppression has not expired at `nowMs`. */
export function isActive(s: Suppression, nowMs: number): boolean {
  return Date.parse(s.expiresAt) > nowMs;
}

function domainMatches(detection: Detection, domain: string): boolean {
  const target = detection.target ?? '';
  const targetDomain = target.includes('@') ? domainOf(target) : normaliseDomain(target);
  return targetDomain !== '' && isSameOrSubdomain(targetDomain, domain);
}

/** The first active suppression matching the detection, if any. */
export function findSuppression(detection: Detection, suppressions: readonly Suppression[], nowMs: number): Suppression | undefined {
  for (const s of suppressions) {
    if (!isActive(s, nowMs)) continue;
    if (s.ruleId !== undefined && s.ruleId !== detection.ruleId) continue;
    if (s.family !== undefined && s.family !== detection.family) continue;
    if (s.actor !== undefined && s.actor !== detection.actor) continue;
    if (s.objectId !== undefined && s.objectId !== detection.objectId) continue;
    if (s.domain !== undefined && !domainMatches(detection, s.domain)) continue;
    return s;
  }
  return undefined;
}
