import type { School } from '../config/load.js';
import type { Models } from '../stores.js';
import type { Person } from '../directory/person.js';
import { ErrorCode, LanternError } from '../errors.js';
import { AudienceSchema, inAudience, type Audience } from './audience.js';
import type { AgreementSignature } from './signature-model.js';
import { localTime } from './state.js';
import type { AgreementVersion } from './version-model.js';

/**
 * Parses an audience written on the command line: comma-separated roles (staff, governor, pupil…),
 * `year:1`, `form:Robins`, `person:staff-005`. Roles, years and forms combine as in a campaign.
 */
export function parseAudienceSpec(spec: string): Audience {
  const audience: { roles?: string[]; yearGroups?: string[]; forms?: string[]; personIds?: string[] } = {};
  for (const token of spec.split(',').map((t) => t.trim()).filter(Boolean)) {
    const [kind, value] = token.includes(':') ? [token.slice(0, token.indexOf(':')), token.slice(token.indexOf(':') + 1)] : ['role', token];
    const key = { role: 'roles', year: 'yearGroups', form: 'forms', person: 'personIds' }[kind ?? ''] as keyof typeof audience | undefined;
    if (!key || !value) throw new LanternError(ErrorCode.UsageError, `"${token}" is not an audience: use roles (staff, governor…), year:1, form:Robins or person:ID, separated by commas.`);
    audience[key] = [...(audience[key] ?? []), value];
  }
  const parsed = AudienceSchema.safeParse(audience);
  if (!parsed.success) throw new LanternError(ErrorCode.UsageError, `Audience "${spec}": ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return parsed.data;
}

function csvCell(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  // Quote everything that could break a row, and neutralise spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Column headings of the evidence export. */
export const EXPORT_COLUMNS = [
  'seq', 'signed_at_utc', 'signed_at_local', 'policy', 'title', 'version', 'version_hash', 'outcome', 'channel',
  'signer_id', 'signer_name', 'on_behalf_of_id', 'on_behalf_of_name', 'person_role', 'year_group', 'form', 'campaign', 'period', 'record_hash', 'prev_hash',
] as const;

/**
 * The evidence records about the people in an audience (or one person) as CSV, one row per record in
 * chain order: who signed, for whom, which version (with its hash), when (UTC and school time) and how.
 */
export async function exportEvidenceCsv(models: Models, school: School, filter: { audience?: Audience; personId?: string }): Promise<{ csv: string; rows: number }> {
  const people = new Map((await models.people.find({ schoolId: school.id }).lean<Person[]>()).map((p) => [p.personId, p]));
  const versions = new Map((await models.agreementVersions.find({ schoolId: school.id }).lean<AgreementVersion[]>()).map((v) => [v._id, v]));
  const lines = [EXPORT_COLUMNS.join(',')];
  let rows = 0;
  const cursor = models.agreementSignatures.find({ schoolId: school.id }).sort({ seq: 1 }).lean<AgreementSignature[]>().cursor();
  for await (const doc of cursor) {
    const r = doc as unknown as AgreementSignature;
    const subjectId = r.onBehalfOfId ?? r.signerId;
    const subject = people.get(subjectId);
    if (filter.personId && subjectId !== filter.personId && r.signerId !== filter.personId) continue;
    if (filter.audience && !(subject && inAudience(subject, filter.audience))) continue;
    const version = versions.get(r.versionId);
    const at = new Date(r.signedAt);
    lines.push(
      [
        r.seq, at.toISOString(), localTime(at, school.timezone), r.policyId, version?.title ?? '', version?.number ?? '', r.versionHash, r.outcome, r.channel,
        r.signerId, people.get(r.signerId)?.displayName ?? '', r.onBehalfOfId ?? '', r.onBehalfOfId ? (subject?.displayName ?? '') : '',
        subject?.role ?? '', subject?.yearGroup ?? '', subject?.form ?? '', r.campaignId ?? '', r.period ?? '-', r.hash, r.prevHash,
      ].map(csvCell).join(','),
    );
    rows += 1;
  }
  return { csv: `${lines.join('\n')}\n`, rows };
}
