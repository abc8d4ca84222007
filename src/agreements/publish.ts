import type { Models } from '../stores.js';
import { ErrorCode, LanternError } from '../errors.js';
import { textHash } from './canonical.js';
import type { PolicyTemplate } from './library.js';
import { reissueAfterMaterialChange, type Reissue } from './reissue.js';
import type { AgreementVersion } from './version-model.js';
import { currentVersion, publishVersion, type ChangeKind } from './versions.js';

/** What publishing a policy file needs. */
export interface PublishPolicyOptions {
  schoolId: string;
  /** Required once a version exists and the text changed. */
  change?: ChangeKind;
  reason?: string;
  by: string;
  effectiveDate?: Date;
  dryRun?: boolean;
  now: Date;
}

/** What publishing did (or, in a dry run, would do). */
export interface PublishOutcome {
  /** The version now current (in a dry run: as it would be stored, not stored). */
  version: Pick<AgreementVersion, '_id' | 'policyId' | 'number' | 'title' | 'change' | 'reason'>;
  /** False when the text was unchanged: the current version stands and nothing else happens. */
  created: boolean;
  /** Campaigns for earlier versions replaced after a material change; empty for a minor change. */
  reissued: Reissue[];
}

/**
 * Publishes a policy file as a new version (A1) and, when the change is material, asks everyone the earlier
 * version was issued to to sign the new one (A2); a minor change records its reason and asks nobody. A
 * material re-issue also runs when the current version is material but was published by an earlier call that
 * stopped half-way, so running the same command again finishes the job.
 */
export async function publishPolicy(models: Models, template: PolicyTemplate, options: PublishPolicyOptions): Promise<PublishOutcome> {
  if (options.change && !options.reason?.trim()) {
    throw new LanternError(ErrorCode.AgreementInvalid, `Say why the change is ${options.change}: --reason "…" is recorded on the version.`);
  }
  const latest = await currentVersion(models, options.schoolId, template.id);
  if (latest && latest.hash !== textHash(template.body) && !options.change) {
    throw new LanternError(
      ErrorCode.AgreementInvalid,
      `The text of "${template.id}" changed since version ${latest.number}. Say whether the change is --material (everyone signs again) or --minor (no re-signing), and why: --reason "…".`,
    );
  }
  if (options.dryRun) return dryRun(models, template, options, latest);
  const { version, created } = await publishVersion(models, template, {
    schoolId: options.schoolId,
    by: options.by,
    clock: () => options.now,
    ...(options.change ? { change: options.change } : {}),
    ...(options.reason ? { reason: options.reason } : {}),
    ...(options.effectiveDate ? { effectiveDate: options.effectiveDate } : {}),
  });
  const reissued = version.change === 'material' ? await reissueAfterMaterialChange(models, version, options.now, { by: options.by, reason: version.reason }) : [];
  return { version, created, reissued };
}

async function dryRun(models: Models, template: PolicyTemplate, options: PublishPolicyOptions, latest: AgreementVersion | null): Promise<PublishOutcome> {
  if (latest && latest.hash === textHash(template.body)) {
    const reissued = latest.change === 'material' ? await reissueAfterMaterialChange(models, latest, options.now, { by: options.by, reason: latest.reason, dryRun: true }) : [];
    return { version: latest, created: false, reissued };
  }
  const number = (latest?.number ?? 0) + 1;
  const change = latest ? (options.change as ChangeKind) : 'initial';
  const wouldBe = {
    ...(latest ?? {}),
    _id: `${options.schoolId}:${template.id}:v${number}`,
    schoolId: options.schoolId,
    policyId: template.id,
    number,
    title: template.title,
    audience: template.audience,
    change,
    reason: options.reason?.trim() || 'First version',
  } as AgreementVersion;
  const reissued = change === 'material' ? await reissueAfterMaterialChange(models, wouldBe, options.now, { by: options.by, reason: wouldBe.reason, dryRun: true }) : [];
  return { version: wouldBe, created: true, reissued };
}
