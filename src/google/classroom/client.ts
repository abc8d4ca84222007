import { classroom_v1 } from 'googleapis/build/src/apis/classroom/v1.js';
import type { LanternConfig } from '../../config/load.js';
import { ErrorCode } from '../../errors.js';
import { apiRoot, googleAuthFactory } from '../auth.js';
import { scopesOf } from '../scopes.js';

/** What Lantern does in Classroom: post coursework, read rosters with pupils' emails. */
export const CLASSROOM_SCOPES: readonly string[] = scopesOf('classroom');

/** Makes a Classroom API client acting as a given teacher. */
export type ClassroomFactory = (teacherEmail: string) => classroom_v1.Classroom;

/**
 * Classroom clients acting as each class teacher (domain-wide delegation), using the service-account key of
 * LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE; `apiUrl` (rootUrl) and the token URL point at stand-ins in tests.
 */
export function classroomFactory(config: LanternConfig, apiUrl: string | undefined): ClassroomFactory {
  const auth = googleAuthFactory({
    keyFile: config.mail.google.serviceAccountKeyFile,
    code: ErrorCode.ClassroomFailed,
    purpose: 'the Classroom scopes',
    ...(config.mail.google.tokenUrl ? { tokenUrl: config.mail.google.tokenUrl } : {}),
  });
  const clients = new Map<string, classroom_v1.Classroom>();
  return (teacher) => {
    let client = clients.get(teacher);
    if (!client) {
      // retry: false — a 429 is reported per course rather than retried inside one command run.
      client = new classroom_v1.Classroom({ auth: auth(teacher, CLASSROOM_SCOPES), retry: false, ...apiRoot(apiUrl) });
      clients.set(teacher, client);
    }
    return client;
  };
}
