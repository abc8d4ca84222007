import { formatHead, shortFingerprint } from '../../integrity/heads.js';
import { schoolHeads } from '../../ops/integrity/heads.js';
import { CHAIN_LABELS } from '../../ops/integrity/verify.js';
import { noData, ok, type IntegrityHeadsData, type Section } from '../types.js';
import type { SourceContext } from './context.js';

/**
 * The heads of the school's sealed chains (cases, signatures, monitoring changes, parents' consents) at the end of the
 * week (or now, for a preview mid-week): kept in the governors' mailbox, they let a later verify show that
 * nothing written by then was deleted or rewritten.
 */
export async function readIntegrityHeads(ctx: SourceContext): Promise<Section<IntegrityHeadsData>> {
  const upTo = ctx.week.end < ctx.now ? ctx.week.end : ctx.now;
  try {
    const heads = await schoolHeads(ctx.models, ctx.school.id, upTo);
    return ok({ heads: heads.map((h) => ({ label: CHAIN_LABELS[h.chain], entries: h.entries, fingerprint: shortFingerprint(h), line: formatHead(h) })) });
  } catch {
    return noData('the record fingerprints could not be read this week');
  }
}
