import type { LanternConfig, School } from '../../config/load.js';
import { delegatedClient, readServiceAccountKey, type ServiceAccountKey } from '../../google/auth.js';
import { GOOGLE_SCOPES, scopesOf, type GoogleFeature } from '../../google/scopes.js';
import { fail, ok, reason, skip, type CheckResult } from './check.js';

const DELEGATION_PAGE = 'the Google Admin console → Security → Access and data control → API controls → Domain-wide delegation';

/** The Google features a school turns on, each with the user the service account acts as for it. */
function googleFeatures(school: School): Map<GoogleFeature, string | undefined> {
  const admin = school.google?.adminSubject ?? (school.directory.source === 'google' ? school.directory.adminSubject : undefined);
  const features = new Map<GoogleFeature, string | undefined>();
  if (school.google?.adminSubject) features.set('monitoring', school.google.adminSubject);
  if (school.google?.adminSubject && school.google.alertCenter) features.set('monitoring-alerts', school.google.adminSubject);
  if (school.directory.source === 'google') features.set('directory', school.directory.adminSubject ?? admin);
  if (school.classroom?.courses.length) features.set('classroom', school.classroom.courses[0]?.teacher);
  const sender = school.digest?.transport === 'gmail' && school.digest.enabled ? school.digest.sender : school.parents?.transport === 'gmail' ? school.parents.sender : undefined;
  if (sender) features.set('mail', sender);
  if (school.remediation?.enabled && school.google) features.set('remediation', admin);
  if (school.agreements?.unsigned?.group && school.directory.source === 'google') features.set('access-group', school.directory.adminSubject ?? admin);
  return features;
}

async function tokenFor(config: LanternConfig, key: ServiceAccountKey, subject: string, scopes: readonly string[]): Promise<void> {
  const tokenUrl = config.mail.google.tokenUrl;
  await delegatedClient({ key, subject, scopes, ...(tokenUrl ? { tokenUrl } : {}) }).getAccessToken();
}

/** Tries a token for each scope on its own, so the line names exactly the scope whose delegation is missing. */
export async function checkGoogle(config: LanternConfig, school: School): Promise<CheckResult[]> {
  const features = googleFeatures(school);
  if (features.size === 0) return [skip('Google domain-wide delegation', 'this school uses no Google Workspace feature')];
  let key: ServiceAccountKey;
  try {
    key = readServiceAccountKey(config.mail.google.serviceAccountKeyFile);
  } catch (err) {
    return [fail('Google service account key', reason(err), 'set LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE to the JSON key of the service account')];
  }
  const out: CheckResult[] = [];
  for (const scope of Object.values(GOOGLE_SCOPES)) {
    if (!features.has(scope.feature)) continue;
    const subject = features.get(scope.feature);
    const name = `Google delegation ${scope.scope.replace('https://www.googleapis.com/auth/', '')}`;
    if (!subject) {
      out.push(fail(name, `no user to act as for ${scope.feature}`, 'set google.adminSubject (or directory.adminSubject) to an administrator of the domain'));
      continue;
    }
    try {
      await tokenFor(config, key, subject, [scope.scope]);
      out.push(ok(name, `granted (to ${scope.why})`));
    } catch (err) {
      out.push(fail(name, reason(err), `in ${DELEGATION_PAGE}, add ${scope.scope} to the client id of ${key.clientEmail}`));
    }
  }
  const teacher = features.get('classroom');
  if (teacher) {
    const name = 'Classroom teacher impersonation';
    try {
      await tokenFor(config, key, teacher, scopesOf('classroom'));
      out.push(ok(name, `acts as ${teacher} with the Classroom scopes`));
    } catch (err) {
      out.push(fail(name, reason(err), `check ${teacher} is a user of the school's Google Workspace who teaches the course, and that the Classroom scopes are delegated in ${DELEGATION_PAGE}`));
    }
  }
  return out;
}

/** Gmail transport: a token as the sender with the mail scopes together, as sending asks for it. */
export async function checkGmailSender(config: LanternConfig, sender: string): Promise<CheckResult> {
  try {
    await tokenFor(config, readServiceAccountKey(config.mail.google.serviceAccountKeyFile), sender, scopesOf('mail'));
    return ok('mail transport', `Gmail: can send as ${sender}`);
  } catch (err) {
    return fail('mail transport', `Gmail as ${sender}: ${reason(err)}`, `check ${sender} is a mailbox of the school's Google Workspace and the gmail.send and gmail.readonly scopes are delegated in ${DELEGATION_PAGE}`);
  }
}
