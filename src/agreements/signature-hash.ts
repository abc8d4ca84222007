import { sha256, stableJson } from './canonical.js';
import type { AgreementSignature } from './signature-model.js';

/** The hash the first record of a school's chain points back to. */
export function genesisHash(schoolId: string): string {
  return sha256(`lantern-evidence-chain:${schoolId}`);
}

/** The fields a record's hash covers, in a stable form (dates as ISO strings). */
export function hashedFields(r: Omit<AgreementSignature, 'hash'>): Record<string, unknown> {
  return {
    schoolId: r.schoolId,
    seq: r.seq,
    key: r.key,
    versionId: r.versionId,
    policyId: r.policyId,
    versionHash: r.versionHash,
    signerId: r.signerId,
    onBehalfOfId: r.onBehalfOfId ?? null,
    channel: r.channel,
    outcome: r.outcome,
    signedAt: new Date(r.signedAt).toISOString(),
    client: r.client ?? {},
    campaignId: r.campaignId ?? null,
    period: r.period ?? '-',
    prevHash: r.prevHash,
  };
}

/** The hash of a record (everything but its own hash). */
export function recordHash(r: Omit<AgreementSignature, 'hash'>): string {
  return sha256(stableJson(hashedFields(r)));
}
