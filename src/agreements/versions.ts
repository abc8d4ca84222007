import type { Models } from '../stores.js';
import { ErrorCode, LanternError } from '../errors.js';
import { canonicalText, textHash } from './canonical.js';
import type { PolicyTemplate } from './library.js';
import type { AgreementVersion } from './version-model.js';
import { isDuplicateKey } from '../db/errors.js';

/** How a new version differs from the one before. */
export type ChangeKind = 'material' | 'minor';

/** What publishing needs besides the template. */
export interface PublishOptions {
  schoolId: string;
  /** Required when a version already exists and the text changed. */
  change?: ChangeKind;
  /** Why; recorded on the version. Required with `change`. */
  reason?: string;
  /** Who published it (email or "system"). */
  by: string;
  effectiveDate?: Date;
  clock?: () => Date;
}

/** The latest version of a policy at a school, or null. */
export async function currentVersion(stores: Pick<Models, 'agreementVersions'>, schoolId: string, policyId: string): Promise<AgreementVersion | null> {
  return stores.agreementVersions.findOne({ schoolId, policyId }).sort({ number: -1 }).lean<AgreementVersion>();
}

/**
 * Publishes the template as a new immutable version. Publishing unchanged text (same canonical hash)
 * returns the current version; a changed text must say whether the change is material (everyone
 * re-signs) or minor (earlier signatures still count), and why.
 */
export async function publishVersion(stores: Pick<Models, 'agreementVersions'>, template: PolicyTemplate, options: PublishOptions): Promise<{ version: AgreementVersion; created: boolean }> {
  const now = (options.clock ?? (() => new Date()))();
  const hash = textHash(template.body);
  const latest = await currentVersion(stores, options.schoolId, template.id);
  if (latest && latest.hash === hash) return { version: latest, created: false };
  if (latest && (!options.change || !options.reason?.trim())) {
    throw new LanternError(
      ErrorCode.AgreementInvalid,
      `The text of "${template.id}" changed since version ${latest.number}. Say whether the change is material (everyone signs again) or minor (no re-signing), and why: --change material|minor --reason "…".`,
    );
  }
  const number = (latest?.number ?? 0) + 1;
  const change = latest ? (options.change as ChangeKind) : 'initial';
  const effectiveDate = options.effectiveDate ?? now;
  const reviewDue = new Date(effectiveDate);
  reviewDue.setUTCMonth(reviewDue.getUTCMonth() + template.reviewMonths);
  const doc: AgreementVersion = {
    _id: `${options.schoolId}:${template.id}:v${number}`,
    schoolId: options.schoolId,
    policyId: template.id,
    number,
    kind: template.kind,
    title: template.title,
    summary: template.summary,
    audience: template.audience,
    body: canonicalText(template.body),
    hash,
    effectiveDate,
    reviewDue,
    ownerEmail: template.owner,
    yearly: template.yearly,
    change,
    reason: latest ? (options.reason ?? '').trim() : (options.reason?.trim() || 'First version'),
    signGroup: change === 'minor' && latest ? latest.signGroup : number,
    ...(template.questions ? { questions: template.questions } : {}),
    publishedBy: options.by,
    publishedAt: now,
  };
  try {
    await stores.agreementVersions.create(doc);
    return { version: doc, created: true };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // Someone published at the same moment; theirs stands.
    const won = await stores.agreementVersions.findById(doc._id).lean<AgreementVersion>();
    if (!won) throw err;
    return { version: won, created: false };
  }
}

/** Ids of the versions whose signatures count for `version` (same policy, same sign group). */
export async function equivalentVersionIds(stores: Pick<Models, 'agreementVersions'>, version: AgreementVersion): Promise<string[]> {
  const same = await stores.agreementVersions.find({ schoolId: version.schoolId, policyId: version.policyId, signGroup: version.signGroup }).lean<AgreementVersion[]>();
  return same.map((v) => v._id);
}
