import type { Logger } from '../log/logger.js';

/** Counts of what one run of the agreement card queue did. */
export interface AgreementSendSummary {
  sent: number;
  unreachable: number;
  skipped: number;
  retried: number;
  failed: number;
}

/**
 * What the agreements capability asks of whoever delivers its cards (the Teams edge implements it:
 * src/teams/agreements/card-sender.ts; start-up injects it into the agreement jobs).
 */
export interface AgreementCardSender {
  /**
   * Sends the queued agreement cards (first cards, reminders, escalations) of a school or one campaign, once
   * each, within Teams' limits; with `waitForRetriesMs`, waits that long for cards that are to be retried.
   */
  sendQueued(
    scope: { schoolId: string; campaignId?: string },
    options: { signal?: AbortSignal; extendLease?: () => Promise<void>; waitForRetriesMs?: number },
  ): Promise<AgreementSendSummary>;
  /** Sends a recorded question to the policy owner's chat; false leaves it undelivered, for the next tick. */
  deliverQuestion(questionId: string, log: Logger): Promise<boolean>;
}
