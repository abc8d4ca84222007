import type { School } from '../config/load.js';

/** One rung of a school's escalation ladder: who, and what they are to the school (deputy DSL, head teacher, …). */
export interface LadderRung {
  email: string;
  role: string;
  /** How the rung is told: Teams chat (default), email, or both. */
  by?: 'teams' | 'email' | 'both';
}

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
   * Tells one person on the escalation ladder that an unacknowledged case was escalated to them: their Teams
   * chat with Lantern, and a mention in the DSL channel when they are on the DSL team. Says which reached them.
   */
  tellOnLadder(school: School, caseId: string, rung: LadderRung): Promise<{ personal: boolean; channel: boolean; name: string }>;
}
