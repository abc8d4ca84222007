import type { Models } from '../stores.js';
import type { AgreementSignature } from './signature-model.js';

/**
 * The signing path's half of the open requests: a new record is the latest about its subject, so each open
 * request it counts for (same policy, sign group and period) now says whether it completes the version. The
 * seq guard keeps a late write from undoing a newer record's; one update, whatever the channel that signed.
 */
export async function settleOpenRequests(
  stores: Pick<Models, 'agreementOpenRequests'>,
  record: Pick<AgreementSignature, 'schoolId' | 'seq' | 'signerId' | 'onBehalfOfId' | 'policyId' | 'period'>,
  signGroup: number,
  done: boolean,
): Promise<void> {
  await stores.agreementOpenRequests.updateMany(
    { schoolId: record.schoolId, subject: record.onBehalfOfId ?? record.signerId, policyId: record.policyId, signGroup, period: record.period ?? '-', seq: { $lt: record.seq } },
    { $set: { done, seq: record.seq } },
  );
}
