import type { Request } from 'express';
import type { LanternConfig, School } from '../config/load.js';
import type { Models } from '../stores.js';
import type { Person } from '../directory/person.js';
import { isLoopback } from '../web/bind-guard.js';
import type { DemoPerson } from './sign-in-pages.js';

/**
 * The demo sign-in exists only for `npm start`'s built-in demo school: no config file (mode demo), no
 * Microsoft credentials, listening on loopback, and the request itself from this machine. Any one of these
 * failing turns it off; a configured Lantern never offers it.
 */
export function demoSignInAllowed(config: LanternConfig, req: Request): boolean {
  if (config.mode !== 'demo' || config.bot !== null || !isLoopback(config.server.host)) return false;
  const remote = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  return remote === '::1' || isLoopback(remote);
}

/** The demo people offered: the school's DSL team, its IT team, plus one teacher to show the refusal. */
export async function demoPeople(models: Models, school: School): Promise<DemoPerson[]> {
  const emails = school.dsl.members.map((m) => m.email);
  const people = await models.people.find({ schoolId: school.id, role: 'staff', active: true }).lean<Person[]>();
  const dsl = school.dsl.members.map((m) => {
    const p = people.find((x) => x.email === m.email);
    return { email: m.email, name: p?.displayName ?? m.email, role: m.role === 'dsl' ? 'DSL' : m.role === 'deputy' ? 'deputy DSL' : 'DSL team' };
  });
  const it = (school.it?.members ?? []).filter((m) => !emails.includes(m.email)).map((m) => ({ email: m.email, name: people.find((x) => x.email === m.email)?.displayName ?? m.email, role: 'IT team (sees IT matters only)' }));
  const teacher = people.find((p) => p.email && !emails.includes(p.email) && p.jobTitle === 'Class teacher');
  return teacher?.email ? [...dsl, ...it, { email: teacher.email, name: teacher.displayName, role: 'class teacher, not on the DSL team (to see the refusal)' }] : [...dsl, ...it];
}
