import { httpFailureOf } from '../../http/failure.js';

/** How a Classroom call for one course went wrong, in words an IT manager can act on. */
export interface CourseProblem {
  status: number;
  kind: 'forbidden' | 'course-gone' | 'rate-limited' | 'failed';
  message: string;
}

/** Turns a googleapis (gaxios) error into a per-course problem: 403, 404 (course removed) and 429 each explained. */
export function courseProblem(err: unknown, courseId: string, teacher: string): CourseProblem {
  const e = err as { message?: string };
  const failure = httpFailureOf(err);
  const status = failure?.status ?? 0;
  const retryAfter = failure?.retryAfterMs !== undefined ? Math.ceil(failure.retryAfterMs / 1000) : undefined;
  if (status === 403) {
    return {
      status,
      kind: 'forbidden',
      message: `Classroom refused access to course ${courseId} as ${teacher}: check that ${teacher} teaches the course and that the service account's domain-wide delegation includes the Classroom scopes.`,
    };
  }
  if (status === 404) {
    return { status, kind: 'course-gone', message: `Course ${courseId} no longer exists in Classroom (deleted, or the id is wrong): remove or correct it under classroom.courses in the config.` };
  }
  if (status === 429) {
    return { status, kind: 'rate-limited', message: `Classroom is limiting requests for course ${courseId}${retryAfter !== undefined ? ` (retry after ${retryAfter} s)` : ''}: run the command again later; nothing was duplicated.` };
  }
  return { status, kind: 'failed', message: `Classroom call for course ${courseId} failed (${status ? `HTTP ${status}` : 'no response'}): ${String(e.message ?? err).slice(0, 200)}` };
}
