import type { School } from '../config/load.js';

/** How showing a case's card to the DSL team ended: posted now, replaced, queued for the flush job, or no such case. */
export type PublishOutcome = 'posted' | 'updated' | 'queued' | 'missing';

/**
 * What the case capability asks of whoever shows cases to the DSL team. The Teams edge implements it
 * (src/teams/cases/notifier.ts); start-up injects it into the case jobs, the dashboard and the intake.
 */
export interface CaseNotifier {
  /**
   * Posts the case's card to the school's DSL channel, or replaces the posted one for everyone. Never throws
   * for a card that cannot be posted: the case is marked pending and `queued` returned, for flushPending.
   */
  publish(school: School, caseId: string): Promise<PublishOutcome>;
  /**
   * Posts an IT matter's card to the school's IT channel (school.it.channel), or replaces the posted one.
   * Never throws: without an IT channel, or when the post fails, the matter is marked pending and `queued`
   * returned; the IT view on the dashboard shows it either way.
   */
  publishItMatter(school: School, matterId: string): Promise<PublishOutcome>;
  /** Posts every card still waiting for the DSL channel (and the IT channel); one that fails stays queued. */
  flushPending(): Promise<{ posted: number; stillQueued: number }>;
  /**
   * Tells the deputy DSL that an unacknowledged case was escalated to them (personal chat, and a mention in the
   * DSL channel with the card refreshed); says which of the two reached them.
   */
  tellDeputy(school: School, caseId: string): Promise<{ personal: boolean; channel: boolean }>;
}
