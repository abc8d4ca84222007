import { createWriteStream } from 'node:fs';

/**
 * Synthetic Google Reports API activities for the scan benchmark: a school day of mostly benign Drive and
 * login events, a little token / calendar / Gmail / admin traffic, rare risky events and a few bulk-download
 * bursts, in the exact shape `activities.list` returns. Deterministic for a given seed.
 */

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The bench school's domain. */
export const BENCH_DOMAIN = 'northgate.example';
const STAFF = 300;
const PUPILS = 1200;

/** The tenant file for the bench: 300 staff and 1,200 pupils. */
export function benchTenant(): { ownDomains: string[]; trustedDomains: string[]; people: { email: string; role: string; yearGroup?: string }[] } {
  const people = [
    ...Array.from({ length: STAFF }, (_, i) => ({ email: `staff${i}@${BENCH_DOMAIN}`, role: 'staff' })),
    ...Array.from({ length: PUPILS }, (_, i) => ({ email: `pupil${i}@${BENCH_DOMAIN}`, role: 'pupil', yearGroup: String(7 + (i % 7)) })),
  ];
  return { ownDomains: [BENCH_DOMAIN], trustedDomains: ['northshire-council.example'], people };
}

type Params = Record<string, string | boolean | number | string[]>;

function parameters(p: Params): unknown[] {
  return Object.entries(p).map(([name, v]) =>
    typeof v === 'boolean' ? { name, boolValue: v } : typeof v === 'number' ? { name, intValue: String(v) } : Array.isArray(v) ? { name, multiValue: v } : { name, value: v },
  );
}

const TITLES = ['Lesson plan week 4', 'Homework - fractions', 'Science project', 'Staff meeting notes', 'Trip letter', 'Year 8 class list', 'Reading log', 'Art portfolio', 'Quiz answers', 'Timetable'];
const BENIGN_SCOPES = [['https://www.googleapis.com/auth/classroom.courses.readonly', 'openid'], ['https://www.googleapis.com/auth/drive.file'], ['https://www.googleapis.com/auth/calendar.readonly']];

/** Writes `events` activities as JSON Lines to `file`; resolves with how many risky records it planted. */
export async function writeSyntheticActivities(file: string, events: number, seed = 42): Promise<{ risky: number; bursts: number }> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const r = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
  const person = (): string => (r() < 0.8 ? `pupil${Math.floor(r() * PUPILS)}` : `staff${Math.floor(r() * STAFF)}`) + `@${BENCH_DOMAIN}`;
  let time = Date.parse('2026-03-02T08:00:00.000Z');
  let risky = 0;
  let bursts = 0;
  let buffer = '';
  let burst = 0;
  let burstActor = '';

  const write = async (line: string): Promise<void> => {
    buffer += line;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      buffer = '';
    }
  };

  for (let i = 0; i < events; i++) {
    time += burst > 0 ? 3000 : Math.floor(r() * 60);
    let actor = person();
    let app = 'drive';
    let type = 'access';
    let name: string;
    let p: Params;
    const docId = `1${Math.floor(r() * 1e12).toString(36)}AbCdEfGhIjKlMn`;
    const doc = (): Params => ({ primary_event: true, billable: true, owner_is_team_drive: false, doc_id: docId, doc_type: 'document', doc_title: pick(TITLES), visibility: 'shared_internally', owner: actor });
    if (burst > 0) {
      burst--;
      actor = burstActor;
      name = 'download';
      p = doc();
    } else if (i > 0 && i % 200_000 === 0) {
      burst = 59;
      bursts++;
      burstActor = actor;
      name = 'download';
      p = doc();
    } else {
      const x = r();
      if (x < 0.6) {
        const y = r();
        name = y < 0.55 ? 'view' : y < 0.78 ? 'edit' : y < 0.84 ? 'create' : y < 0.92 ? 'download' : y < 0.95 ? 'change_user_access' : y < 0.98 ? 'move' : 'rename';
        p = doc();
        if (name === 'change_user_access') {
          type = 'acl_change';
          const outside = r() < 0.01;
          if (outside) risky++;
          Object.assign(p, { target_user: outside ? `friend${i}@gmail.com` : person(), new_value: ['can_view'], old_value: ['none'], visibility_change: outside ? 'external' : 'internal' });
        }
      } else if (x < 0.9) {
        app = 'login';
        type = 'login';
        const y = r();
        name = y < 0.75 ? 'login_success' : y < 0.95 ? 'logout' : y < 0.999 ? 'login_failure' : 'suspicious_login';
        if (name === 'suspicious_login') risky++;
        p = { login_type: 'google_password', login_challenge_method: ['password'], is_suspicious: false };
      } else if (x < 0.94) {
        app = 'token';
        type = 'auth';
        name = 'authorize';
        p = { app_name: 'Classroom helper', client_id: '1234-abc.apps.googleusercontent.com', client_type: 'WEB', scope: pick(BENIGN_SCOPES) };
      } else if (x < 0.96) {
        app = 'calendar';
        type = 'event_change';
        name = 'create_event';
        p = { calendar_id: actor, event_id: docId, api_kind: 'web' };
      } else if (x < 0.98) {
        app = 'gmail';
        type = 'delivery_type';
        name = 'delivery';
        p = { message_id: `<${docId}@mail.gmail.com>` };
      } else if (x < 0.99) {
        app = 'admin';
        type = 'USER_SETTINGS';
        name = 'CHANGE_APPLICATION_SETTING';
        actor = 'staff0@northgate.example';
        p = { APPLICATION_NAME: 'Classroom', SETTING_NAME: 'Class creation', NEW_VALUE: 'true' };
      } else {
        app = 'user_accounts';
        type = 'password_change';
        name = r() < 0.999 ? 'password_edit' : 'email_forwarding_out_of_domain';
        p = name === 'password_edit' ? {} : { email_forwarding_destination_address: `me${i}@outlook.com` };
        if (name !== 'password_edit') risky++;
      }
    }
    const record = {
      kind: 'admin#reports#activity',
      id: { time: new Date(time).toISOString(), uniqueQualifier: `-4${String(i * 7919).padStart(18, '0')}`, applicationName: app, customerId: 'C03az79cb' },
      etag: '"bench/etag"',
      actor: { callerType: 'USER', email: actor, profileId: String(100000000000000 + (actor.length * 7919 + i) % 1e9) },
      ipAddress: `10.${i % 200}.${(i >> 8) % 250}.${i % 250}`,
      events: [{ type, name, parameters: parameters(p) }],
    };
    await write(`${JSON.stringify(record)}\n`);
  }
  out.end(buffer);
  await new Promise<void>((resolve, reject) => out.on('finish', resolve).on('error', reject));
  return { risky, bursts };
}
