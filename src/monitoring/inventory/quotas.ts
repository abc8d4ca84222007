import type { QuotaLimit } from '../../http/quota-window.js';

/**
 * The documented limits the inventory paces itself to; data, not logic, so a change Google or Microsoft announces is
 * one line. The stand-in in tests and the benchmark enforce the same numbers.
 */
export const DRIVE_QUOTA = {
  /** Drive API usage limits: 12,000 queries per 60 seconds per project (developers.google.com/drive/api/guides/limits). */
  project: { limit: 12_000, windowMs: 60_000 },
  /** …and 12,000 queries per 60 seconds per user. */
  perUser: { limit: 12_000, windowMs: 60_000 },
  /** files.list pageSize: 1 to 1,000 (the API may still return fewer; only nextPageToken says there are more). */
  maxPageSize: 1_000,
} as const satisfies { project: QuotaLimit; perUser: QuotaLimit; maxPageSize: number };

/**
 * SharePoint / OneDrive application limits per tenant, in resource units per minute and per 24 hours, by the tenant's
 * licence count ("Avoid getting throttled or blocked in SharePoint Online").
 */
export const GRAPH_RU_TIERS: readonly { upToLicences: number; perMinute: number; perDay: number }[] = [
  { upToLicences: 1_000, perMinute: 1_200, perDay: 1_200_000 },
  { upToLicences: 5_000, perMinute: 2_400, perDay: 2_400_000 },
  { upToLicences: 15_000, perMinute: 3_600, perDay: 3_600_000 },
  { upToLicences: 50_000, perMinute: 4_800, perDay: 4_800_000 },
  { upToLicences: Infinity, perMinute: 6_000, perDay: 6_000_000 },
];

/** What each Graph call costs in resource units, from the same page. */
export const GRAPH_RU_COST = {
  /** A delta page with a token (every nextLink carries one). */
  deltaWithToken: 1,
  /** The first delta call of a drive, and other multi-item queries (listing sites). */
  multiItem: 2,
  /** Any permission operation (listing an item's permissions). */
  permissions: 5,
} as const;

/** Items per delta page Lantern asks for ($top); the service may return fewer. */
export const GRAPH_DELTA_PAGE = 1_000;

/** The Graph limits of a tenant with this many licences. */
export function graphQuotaFor(licences: number): { perMinute: QuotaLimit; perDay: QuotaLimit } {
  const tier = GRAPH_RU_TIERS.find((t) => licences <= t.upToLicences) ?? (GRAPH_RU_TIERS[GRAPH_RU_TIERS.length - 1] as (typeof GRAPH_RU_TIERS)[number]);
  return { perMinute: { limit: tier.perMinute, windowMs: 60_000 }, perDay: { limit: tier.perDay, windowMs: 86_400_000 } };
}
