import type { Models } from '../db/models.js';
import type { Person } from '../directory/person.js';
import { resolveAudience, type Audience } from './audience.js';
import type { AgreementCampaign } from './campaign-model.js';
import type { AgreementSignature } from './signature-model.js';
import type { AgreementVersion } from './version-model.js';
import { schoolAcademicYear } from './academic-year.js';
import { equivalentVersionIds } from './versions.js';

/** One line of the compliance view. */
export interface ComplianceRow {
  policyId: string;
  title: string;
  versionNumber: number;
  /** "staff", "governor", "Year 1", "Robins (Year 1)". */
  group: string;
  signed: number;
  total: number;
  overdue: number;
  /** Names of overdue adults (never pupils' names). */
  overdueNames: string[];
}

/** The personIds who have signed (or been signed for) a version or its minor revisions. */
export async function signedPersonIds(models: Pick<Models, 'agreementVersions' | 'agreementSignatures'>, version: AgreementVersion, now: Date = new Date()): Promise<Set<string>> {
  const ids = await equivalentVersionIds(models, version);
  const sigs = await models.agreementSignatures
    .find({ schoolId: version.schoolId, versionId: { $in: ids }, ...(version.yearly ? { period: schoolAcademicYear(version.schoolId, now) } : {}) })
    .lean<AgreementSignature[]>();
  return new Set(sigs.map((s) => s.onBehalfOfId ?? s.signerId));
}

/**
 * Figures for each open campaign (or the named ones): by role for adults, by year group and by form for
 * pupils. A person is overdue when the campaign's due date has passed and they have not signed.
 */
export async function complianceFigures(models: Models, schoolId: string, now: Date, options: { campaignIds?: string[] } = {}): Promise<ComplianceRow[]> {
  const campaigns = await models.agreementCampaigns
    .find({ schoolId, ...(options.campaignIds ? { _id: { $in: options.campaignIds } } : { status: 'open' }) })
    .sort({ policyId: 1, createdAt: 1 })
    .lean<AgreementCampaign[]>();
  const rows: ComplianceRow[] = [];
  for (const campaign of campaigns) {
    const version = await models.agreementVersions.findById(campaign.versionId).lean<AgreementVersion>();
    if (!version) continue;
    const people = await resolveAudience(models.people, schoolId, campaign.audience as Audience);
    const signed = await signedPersonIds(models, version, now);
    const overdueNow = new Date(campaign.dueAt).getTime() < now.getTime();
    const groups = new Map<string, Person[]>();
    const add = (g: string, p: Person) => groups.set(g, [...(groups.get(g) ?? []), p]);
    for (const p of people) {
      if (p.role === 'pupil') {
        add(`Year ${p.yearGroup ?? '?'}`, p);
        add(`${p.form ?? 'no form'} (Year ${p.yearGroup ?? '?'})`, p);
      } else {
        add(p.role, p);
      }
    }
    for (const [group, members] of groups) {
      const unsigned = members.filter((m) => !signed.has(m.personId));
      rows.push({
        policyId: version.policyId,
        title: version.title,
        versionNumber: version.number,
        group,
        signed: members.length - unsigned.length,
        total: members.length,
        overdue: overdueNow ? unsigned.length : 0,
        overdueNames: overdueNow ? unsigned.filter((m) => m.role !== 'pupil').map((m) => m.displayName) : [],
      });
    }
  }
  return rows;
}
