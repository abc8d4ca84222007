import type { LanternConfig, School } from '../../config/load.js';
import { wondeTokenEnvKey } from '../../config/directory-credentials.js';
import { createWondeClient, wondeStatusOf } from '../../directory/wonde/client.js';
import { fail, ok, reason, type CheckResult } from './check.js';

/**
 * The Wonde directory source (no result for other sources): the school's token is set and Wonde answers for the school with it. Wonde answers
 * 401 for a bad token and 403 while the school has not approved Lantern's access; each gets its own fix.
 */
export async function checkWonde(config: LanternConfig, school: School): Promise<CheckResult[]> {
  return school.directory.source === 'wonde' ? [await checkWondeAccess(config, school)] : [];
}

async function checkWondeAccess(config: LanternConfig, school: School): Promise<CheckResult> {
  const name = 'Wonde access';
  const d = school.directory;
  if (d.source !== 'wonde') throw new Error('not a wonde directory');
  const token = config.directory.wonde[school.id];
  const envKey = wondeTokenEnvKey(school.id);
  if (!token) return fail(name, `${envKey} is not set`, `set ${envKey} to the school's Wonde API token (Wonde dashboard → your application → the school)`);
  try {
    // No retries: the doctor reports what Wonde says now.
    const found = await createWondeClient({ apiUrl: d.apiUrl, wondeSchoolId: d.schoolId, token, retry: { maxAttempts: 1 } }).school();
    return ok(name, `the token reads school ${d.schoolId}${found.name ? ` (${found.name})` : ''}`);
  } catch (err) {
    const status = wondeStatusOf(err);
    if (status === 401) return fail(name, 'Wonde refused the token (401)', `set ${envKey} to the school's current Wonde API token`);
    if (status === 403) return fail(name, `Wonde refused access to school ${d.schoolId} (403): the school has not approved access`, 'ask the school to approve Lantern in the Wonde portal (students, employees, contacts and classes), then run the doctor again');
    if (status === 404) return fail(name, `Wonde has no school ${d.schoolId} (404)`, 'check schools[].directory.schoolId against the school in the Wonde dashboard');
    return fail(name, reason(err), 'check the network can reach the Wonde API (schools[].directory.apiUrl for a non-UK region), then run the doctor again');
  }
}
