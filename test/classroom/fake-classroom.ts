import { createVerify } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A course in the stand-in: its students, its coursework, and an optional forced failure status. */
export interface FakeCourse {
  students: { userId: string; email: string }[];
  courseWork: { id: string; title?: string; materials?: { link?: { url?: string } }[]; dueDate?: unknown }[];
  failWith?: 403 | 404 | 429;
}

/** A local HTTP server standing in for Google's token endpoint and the Classroom API (v1) at the network level. */
export interface FakeClassroom {
  url: string;
  tokenUrl: string;
  courses: Map<string, FakeCourse>;
  calls: { method: string; path: string; subject: string }[];
  close(): Promise<void>;
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Starts the stand-in; tokens are only issued for JWTs signed with `publicKey` (the service account's key). */
export async function startFakeClassroom(publicKey: string): Promise<FakeClassroom> {
  const courses = new Map<string, FakeCourse>();
  const calls: FakeClassroom['calls'] = [];
  const tokens = new Map<string, string>();
  let next = 1;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/token') {
        const assertion = new URLSearchParams(raw).get('assertion') ?? '';
        const [h, c, s] = assertion.split('.');
        const ok = h && c && s && createVerify('RSA-SHA256').update(`${h}.${c}`).verify(publicKey, s, 'base64url');
        if (!ok) return json(res, 400, { error: 'invalid_grant' });
        const claims = JSON.parse(Buffer.from(c as string, 'base64url').toString()) as { sub: string; scope: string };
        const token = `tok-${next++}`;
        tokens.set(token, claims.sub);
        return json(res, 200, { access_token: token, expires_in: 3600, token_type: 'Bearer' });
      }
      const subject = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, '')) ?? '';
      if (!subject) return json(res, 401, { error: { code: 401, message: 'no token' } });
      calls.push({ method: req.method ?? '', path: url.pathname, subject });
      const m = /^\/v1\/courses\/([^/]+)(?:\/(courseWork|students)(?:\/([^/]+))?)?$/.exec(url.pathname);
      const course = m ? courses.get(decodeURIComponent(m[1] ?? '')) : undefined;
      if (!m || !course) return json(res, 404, { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } });
      if (course.failWith === 429) return json(res, 429, { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } }, { 'retry-after': '30' });
      if (course.failWith) return json(res, course.failWith, { error: { code: course.failWith, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } });
      const [, , part, id] = m;
      if (!part) return json(res, 200, { id: m[1] });
      if (part === 'students') return json(res, 200, { students: course.students.map((s) => ({ userId: s.userId, profile: { emailAddress: s.email } })) });
      if (req.method === 'GET') return json(res, 200, { courseWork: course.courseWork });
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      if (req.method === 'POST') {
        const cw = { ...body, id: `cw-${next++}` };
        course.courseWork.push(cw);
        return json(res, 200, cw);
      }
      if (req.method === 'PATCH') {
        const cw = course.courseWork.find((x) => x.id === id);
        if (!cw) return json(res, 404, { error: { code: 404, message: 'not found' } });
        for (const f of (url.searchParams.get('updateMask') ?? '').split(',')) (cw as Record<string, unknown>)[f] = body[f];
        return json(res, 200, cw);
      }
      return json(res, 405, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    tokenUrl: `${base}/token`,
    courses,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
