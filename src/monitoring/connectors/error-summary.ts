import { isLanternError } from '../../errors.js';
import { classifyFailure } from '../../http/failure-cause.js';

/**
 * A stored, shown-to-IT summary of why a poll failed: the code and a message with no personal data. Streams
 * classify their own failures (naming the API and the permission it needs); anything that still arrives
 * unclassified is classified here, so a network cause is named even without the stream's context.
 */
export function errorSummary(err: unknown): { code: string; message: string } {
  const classified = classifyFailure(err, { api: 'the audit API' });
  if (isLanternError(classified)) return { code: classified.code, message: classified.message };
  const name = err instanceof Error ? err.name : 'Error';
  // Library messages can quote request URLs with user keys, so only the error's class is kept.
  return { code: 'unexpected', message: `${name}: an unexpected error; see the server log for details.` };
}
