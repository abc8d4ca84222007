import { signatureLinks } from '../../agreements/verify.js';
import { caseTimelineLinks } from '../../cases/verify.js';
import { headOf, type ChainHead } from '../../integrity/heads.js';
import { CHAINS, type ChainName } from '../../integrity/seal.js';
import { changeLogLinks } from '../../monitoring/change-chain.js';
import { consentLinks } from '../../parents/consent-chain.js';
import type { Models } from '../../stores.js';

type HeadModels = Pick<Models, 'caseTimeline' | 'agreementSignatures' | 'monitoringChanges' | 'parentConsents'>;

/** One chain's head for a school up to a moment. */
export async function chainHead(models: HeadModels, schoolId: string, chain: ChainName, upTo: Date): Promise<ChainHead> {
  const links =
    chain === 'cases' ? await caseTimelineLinks(models, schoolId, upTo)
    : chain === 'signatures' ? await signatureLinks(models, schoolId, upTo)
    : chain === 'consents' ? await consentLinks(models, schoolId, upTo)
    : await changeLogLinks(models, schoolId, upTo);
  return headOf(schoolId, chain, upTo, links);
}

/** The heads of a school's chains up to a moment: what the digest and `lantern integrity heads` publish. */
export async function schoolHeads(models: HeadModels, schoolId: string, upTo: Date): Promise<ChainHead[]> {
  const heads: ChainHead[] = [];
  for (const chain of CHAINS) heads.push(await chainHead(models, schoolId, chain, upTo));
  return heads;
}
