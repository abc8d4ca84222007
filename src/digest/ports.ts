/** A channel the governors' digest card can be posted into. */
export interface DigestChannel {
  /** Posts the `digest-summary` card with this data; resolves to the message id. Throws when Teams refuses it. */
  postSummary(data: Record<string, unknown>): Promise<string | undefined>;
}

/**
 * What the digest asks of whoever posts its card to the governors (the Teams edge implements it:
 * src/teams/digest/poster.ts; start-up injects it into the digest jobs).
 */
export interface DigestCardPoster {
  /** The school's governors' channel, or undefined when Lantern is not installed in any of the school's teams. */
  channel(schoolId: string, channelId: string): Promise<DigestChannel | undefined>;
}
