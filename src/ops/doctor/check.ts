/** The outcome of one doctor check: passed, failed (with the fix in plain words) or skipped (with why). */
export interface CheckResult {
  readonly check: string;
  readonly status: 'ok' | 'fail' | 'skip';
  /** What was found: a version, a count, or why it was skipped. */
  readonly detail: string;
  /** On failure, what to do about it. */
  readonly fix?: string;
}

/** A passed check. */
export const ok = (check: string, detail: string): CheckResult => ({ check, status: 'ok', detail });
/** A failed check and its fix. */
export const fail = (check: string, detail: string, fix: string): CheckResult => ({ check, status: 'fail', detail, fix });
/** A check that does not apply to this set-up. */
export const skip = (check: string, detail: string): CheckResult => ({ check, status: 'skip', detail });

/** The error's message, whatever was thrown. */
export function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The `roles` claim of an app-only access token (its payload is read, not verified: the token came straight from the issuer). */
export function tokenRoles(token: string): string[] {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(payload.roles) ? payload.roles.map(String) : [];
  } catch {
    return [];
  }
}

/** GET with a time limit; the answer or the network failure. */
export async function getWithin(url: string, init: RequestInit = {}, timeoutMs = 10_000): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}
