import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpStandIn } from './http-stand-in.js';

/**
 * A local stand-in for Wonde's School Data Sync API, built from its public documentation
 * (https://docs.wonde.com/docs/api/sync): `GET /v1.0/schools/{school_id}` and its `students`, `employees`,
 * `contacts`, `classes` and `deletions` lists; Bearer-token authentication; `include=` for related objects
 * (each under `data`, nested ones with a dot, e.g. `contacts.contact_details`); `updated_after=YYYY-MM-DD HH:MM:SS`;
 * pagination with `per_page` and `page` and `meta.pagination` { next (full URL or null), previous, more,
 * per_page, current_page }; dates as { date, timezone_type, timezone }. Where the documentation gives no
 * example body (errors, employee roles, extended-detail flag names) the shape follows Wonde's public clients
 * (github.com/wondeltd/php-client) and is kept minimal. A bad token gets 401, a school that has not approved
 * access 403, throttling 429 with Retry-After.
 */
export class WondeStandIn extends HttpStandIn {
  token = 'wonde-test-token';
  /** Schools that approved access; others answer 403. */
  readonly approved = new Set<string>();
  readonly students: StandInStudent[] = [];
  readonly employees: StandInEmployee[] = [];
  readonly contacts: StandInContact[] = [];
  readonly classes: StandInClass[] = [];
  readonly deletions: Array<{ id: string; type: 'student' | 'employee' | 'contact'; deletedAt: Date }> = [];
  /** Failures returned, in order, instead of the next answer; `afterRequests` holds one back until that many were served. */
  readonly failures: Array<{ status: number; retryAfter?: string; afterRequests?: number }> = [];
  readonly requests: Array<{ path: string; query: URLSearchParams }> = [];
  /** Wonde's largest page is 200; tests lower it to exercise paging. */
  maxPerPage = 200;

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const served = this.requests.length;
    this.requests.push({ path: url.pathname, query: url.searchParams });
    if (req.headers.authorization !== `Bearer ${this.token}`) return send(401, { error: 'invalid_token', error_description: 'The access token provided is invalid.' });
    const m = /^\/v1\.0\/schools\/([^/]+)(?:\/([a-z_]+))?\/?$/.exec(url.pathname);
    if (!m) return send(404, { error: 'not_found' });
    const schoolId = decodeURIComponent(m[1] ?? '');
    if (!this.approved.has(schoolId)) return send(403, { error: 'access_denied', error_description: 'The school has not approved access for this application.' });
    const failure = this.failures[0];
    if (failure && served >= (failure.afterRequests ?? 0)) {
      this.failures.shift();
      return send(failure.status, { error: 'scripted', error_description: `HTTP ${failure.status}` }, failure.retryAfter ? { 'retry-after': failure.retryAfter } : {});
    }
    const resource = m[2];
    if (!resource) return send(200, { data: { id: schoolId, name: 'Stand-in school', urn: 100000 } });
    const q = url.searchParams;
    const perPage = Number(q.get('per_page') ?? '50');
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200) return send(422, { error: 'validation', errors: { per_page: ['The per page may not be greater than 200.'] } });
    const includes = new Set((q.get('include') ?? '').split(',').filter(Boolean));
    const after = q.get('updated_after');
    if (after !== null && !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(after)) return send(422, { error: 'validation', errors: { updated_after: ['The updated after does not match the format Y-m-d H:i:s.'] } });
    const since = after ? new Date(`${after.replace(' ', 'T')}Z`) : undefined;
    const changed = (at: Date) => !since || at.getTime() > since.getTime();
    let rows: unknown[];
    if (resource === 'students') rows = this.students.filter((s) => changed(s.updatedAt)).map((s) => this.student(s, includes));
    else if (resource === 'employees') rows = this.employees.filter((e) => changed(e.updatedAt)).map((e) => this.employee(e, includes));
    else if (resource === 'contacts') rows = this.contacts.filter((c) => changed(c.updatedAt)).map((c) => ({ ...contactBase(c), ...(includes.has('contact_details') ? { contact_details: details(c.email) } : {}) }));
    else if (resource === 'classes') rows = this.classes.map((c) => ({ id: c.id, name: c.name, code: c.name, ...(includes.has('employees') ? { employees: { data: c.teacherIds.map((id) => ({ id })) } } : {}) }));
    else if (resource === 'deletions') rows = this.deletions.filter((d) => changed(d.deletedAt)).map((d) => ({ id: d.id, type: d.type, deleted_at: wondeDate(d.deletedAt), restored_at: null }));
    else return send(404, { error: 'not_found' });
    const size = Math.min(perPage, this.maxPerPage);
    const page = Math.max(1, Number(q.get('page') ?? '1'));
    const slice = rows.slice((page - 1) * size, page * size);
    const more = page * size < rows.length;
    const link = (p: number) => {
      const l = new URL(url);
      l.searchParams.set('page', String(p));
      return l.toString();
    };
    send(200, { data: slice, meta: { pagination: { next: more ? link(page + 1) : null, previous: page > 1 ? link(page - 1) : null, more, per_page: String(size), current_page: page } } });
  }

  private student(s: StandInStudent, includes: Set<string>): Record<string, unknown> {
    const out: Record<string, unknown> = { id: s.id, upi: `upi-${s.id}`, mis_id: s.id.slice(-4), forename: s.forename, surname: s.surname, date_of_birth: s.dateOfBirth ? wondeDate(new Date(`${s.dateOfBirth}T00:00:00Z`)) : null, updated_at: wondeDate(s.updatedAt) };
    if (includes.has('year')) out.year = { data: s.year ? { id: `y-${s.year}`, code: s.year, name: /^\d+$/.test(s.year) ? `Year ${s.year}` : s.year, type: 'YEAR' } : null };
    if (includes.has('registration')) out.registration = { data: s.registration ? { id: `r-${s.registration}`, name: s.registration, description: s.registration } : null };
    if (includes.has('contact_details')) out.contact_details = details(s.email);
    if (includes.has('contacts')) {
      out.contacts = {
        data: s.contacts.flatMap((link) => {
          const c = this.contacts.find((x) => x.id === link.contactId);
          if (!c) return [];
          return [{ ...contactBase(c), relationship: { relationship: link.relationship, bill_payer: false, lives_with_pupil: true, parental_responsibility: link.parentalResponsibility, priority: link.priority }, ...(includes.has('contacts.contact_details') ? { contact_details: details(c.email) } : {}) }];
        }),
      };
    }
    if (includes.has('extended_details')) {
      out.extended_details = { data: { sen_status: s.flags?.sen ? 'K' : 'N', in_lea_care: s.flags?.lookedAfter ?? false, ever_in_care: s.flags?.previouslyLookedAfter ?? false, child_protection_plan: s.flags?.childProtectionPlan ?? false, premium_pupil_indicator: false } };
    }
    return out;
  }

  private employee(e: StandInEmployee, includes: Set<string>): Record<string, unknown> {
    return {
      id: e.id,
      title: e.title ?? null,
      forename: e.forename,
      surname: e.surname,
      updated_at: wondeDate(e.updatedAt),
      ...(includes.has('contact_details') ? { contact_details: details(e.email) } : {}),
      ...(includes.has('employment_details') ? { employment_details: { data: { current: e.current ?? true, teaching_staff: true } } } : {}),
      ...(includes.has('roles') ? { roles: { data: (e.roles ?? []).map((name, i) => ({ id: `${e.id}-role-${i}`, name })) } } : {}),
    };
  }
}

/** A student as the stand-in holds it. */
export interface StandInStudent {
  id: string;
  forename: string;
  surname: string;
  email?: string;
  year?: string;
  registration?: string;
  dateOfBirth?: string;
  contacts: Array<{ contactId: string; relationship: string; parentalResponsibility: boolean; priority: number }>;
  flags?: { sen?: boolean; lookedAfter?: boolean; previouslyLookedAfter?: boolean; childProtectionPlan?: boolean };
  updatedAt: Date;
}

/** An employee as the stand-in holds it. */
export interface StandInEmployee {
  id: string;
  title?: string;
  forename: string;
  surname: string;
  email?: string;
  roles?: string[];
  current?: boolean;
  updatedAt: Date;
}

/** A contact as the stand-in holds it. */
export interface StandInContact {
  id: string;
  forename: string;
  surname: string;
  email?: string;
  updatedAt: Date;
}

/** A class and its teachers' employee ids. */
export interface StandInClass {
  id: string;
  name: string;
  teacherIds: string[];
}

function wondeDate(at: Date): { date: string; timezone_type: number; timezone: string } {
  return { date: `${at.toISOString().slice(0, 19).replace('T', ' ')}.000000`, timezone_type: 3, timezone: 'UTC' };
}

function details(email: string | undefined): { data: Record<string, unknown> } {
  return { data: { emails: { email: email ?? null, primary: email ?? null, home: null, work: null }, telephones: { phone: null, mobile: null } } };
}

function contactBase(c: StandInContact): Record<string, unknown> {
  return { id: c.id, forename: c.forename, surname: c.surname, updated_at: wondeDate(c.updatedAt) };
}
