import { isLanternError } from '../../errors.js';

/** A stored, shown-to-IT summary of why a poll failed: the code and a message with no personal data. */
export function errorSummary(err: unknown): { code: string; message: string } {
  if (isLanternError(err)) return { code: err.code, message: err.message };
  const name = err instanceof Error ? err.name : 'Error';
  // Library messages can quote request URLs with user keys, so only the error's class is kept.
  return { code: 'unexpected', message: `${name}: an unexpected error; see the server log for details.` };
}
