/** One change a remediation would make, as the preview shows it (ids, addresses and roles only; never a file title). */
export interface PlannedStep {
  /** The API's id of what is removed or switched off (a permission id, an inbox rule id, `auto-forwarding`, `filter:ID`). */
  id: string;
  /** Who or what loses access, or where mail stops going. */
  who: string;
  /** What the step removes, in plain English ("reader", "inbox rule", "automatic forwarding"). */
  what: string;
}

/** The outcome of one step, as the API answered. */
export interface StepResult {
  id: string;
  status: number;
  error?: string;
}

/** Which API carries a remediation out. */
export type RemediationProvider = 'google-drive' | 'google-gmail' | 'microsoft-mail' | 'microsoft-sharing';

/** The status and a short message of a failed API call, for the case record (never a request body). */
export function failureOf(err: unknown): { status: number; error: string } {
  const raw = (err as { status?: unknown; code?: unknown }).status ?? (err as { code?: unknown }).code;
  const status = Number(raw);
  return { status: Number.isFinite(status) ? status : 0, error: err instanceof Error ? err.message.slice(0, 200) : 'failed' };
}
