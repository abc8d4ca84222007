import { CATEGORY_LABEL, formatWhen, SEVERITY_LABEL, STATUS_LABEL } from '../cases/labels.js';
import { CATEGORIES, SEVERITIES, type Category, type Severity, type CaseStatus } from '../cases/case-model.js';
import { OPEN_STATUSES } from '../cases/list.js';
import { MAX_SEARCH } from '../cases/search.js';
import type { CaseListing } from '../cases/board.js';
import { html, type Html } from '../web/shared/html.js';
import { dashboardLayout, type SignedInBar } from './layout.js';

/** The list's filters, as chosen in the form (an empty value means "any"). */
export interface ListFilters {
  status: CaseStatus | '';
  severity: Severity | '';
  category: Category | '';
  /** Which list: the open cases (from the board) or the closed ones. */
  view: 'open' | 'closed';
  /** A search across all cases: a pupil, a member of staff or a case number ('' for none). */
  q: string;
}

/** Reads the filters from a query string, ignoring anything that is not a known value. */
export function parseFilters(query: Record<string, unknown>): ListFilters {
  const pick = <T extends string>(value: unknown, allowed: readonly T[]): T | '' => (typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : '');
  const q = typeof query.q === 'string' ? query.q.trim().slice(0, MAX_SEARCH) : '';
  return { status: pick(query.status, OPEN_STATUSES), severity: pick(query.severity, SEVERITIES), category: pick(query.category, CATEGORIES), view: query.view === 'closed' ? 'closed' : 'open', q };
}

/** The query string of a list page with these filters. */
export function listQuery(filters: ListFilters, page: number): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v && !(k === 'view' && v === 'open')) params.set(k, v);
  if (page > 1) params.set('page', String(page));
  const q = params.toString();
  return q ? `?${q}` : '';
}

function select(name: string, label: string, current: string, options: readonly (readonly [string, string])[]): Html {
  return html`<div><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}"><option value="">Any</option>${options.map(([v, t]) => (v === current ? html`<option value="${v}" selected>${t}</option>` : html`<option value="${v}">${t}</option>`))}</select></div>`;
}

function row(c: CaseListing, schoolId: string, tz: string): Html {
  // A "do not view" case shows no summary in the list: the case page shows the warning before anything else.
  const summary = c.doNotView ? html`<span class="dnv-tag">Do not view — open the case for the safe-handling warning</span>` : c.summary.length > 140 ? `${c.summary.slice(0, 140)}…` : c.summary;
  return html`<tr>
<td data-label="Case"><a href="/dashboard/${schoolId}/cases/${c.number}">${c.number}</a></td>
<td data-label="Opened">${formatWhen(c.openedAt, tz)}</td>
<td data-label="Severity"><span class="badge sev-${c.severity}">${SEVERITY_LABEL[c.severity]}</span></td>
<td data-label="Category">${CATEGORY_LABEL[c.category].split(' — ')[0]}</td>
<td data-label="Status">${STATUS_LABEL[c.status]}</td>
<td data-label="Assigned to">${c.assignee?.name ?? 'Nobody yet'}</td>
<td data-label="What happened">${summary}</td>
</tr>`;
}

/** A list of a school's cases, newest first, with filters and paging: the open ones, the closed ones, or a search. */
export function listPage(opts: {
  schoolId: string;
  schoolName: string;
  tz: string;
  cases: readonly CaseListing[];
  filters: ListFilters;
  page: number;
  hasMore: boolean;
  signedIn: SignedInBar;
}): string {
  const { filters, page } = opts;
  const base = `/dashboard/${opts.schoolId}`;
  const filtered = Boolean(filters.status || filters.severity || filters.category);
  const searching = Boolean(filters.q);
  const title = searching ? `Cases matching “${filters.q}”` : filters.view === 'closed' ? 'Closed cases' : 'Open cases';
  const hidden = filters.view === 'closed' ? html`<input type="hidden" name="view" value="closed">` : html``;
  const body = html`<nav class="views" aria-label="Case lists"><a href="${base}"${filters.view === 'open' && !searching ? html` aria-current="page"` : html``}>Open cases</a> · <a href="${base}?view=closed"${filters.view === 'closed' && !searching ? html` aria-current="page"` : html``}>Closed cases</a> · <a href="${base}/inspection">Inspection pack</a></nav>
<form class="search" method="get" action="${base}" role="search">
<label for="f-q">Find a case by pupil, member of staff or case number</label>
<input type="search" id="f-q" name="q" maxlength="${MAX_SEARCH}" value="${filters.q}">
<button type="submit" class="button secondary">Search</button>
</form>
<h1>${title}</h1>
${searching ? html`<p class="muted">Open and closed cases, newest first. <a href="${base}">Back to open cases</a></p>` : html``}
<form class="filters" method="get" action="${base}">
${hidden}${searching ? html`<input type="hidden" name="q" value="${filters.q}">` : html``}
${filters.view === 'open' && !searching ? select('status', 'Status', filters.status, OPEN_STATUSES.map((s) => [s, STATUS_LABEL[s]] as const)) : html``}
${select('severity', 'Severity', filters.severity, SEVERITIES.map((s) => [s, SEVERITY_LABEL[s]] as const))}
${select('category', 'Category', filters.category, CATEGORIES.map((c) => [c, CATEGORY_LABEL[c].split(' — ')[0] ?? c] as const))}
<div><button type="submit" class="button secondary">Show</button></div>
${filtered ? html`<div><a href="${base}${listQuery({ ...filters, status: '', severity: '', category: '' }, 1)}">Clear filters</a></div>` : html``}
</form>
${opts.cases.length === 0
    ? html`<p>${searching ? 'No cases match this search. Try part of a name, or the full case number.' : filters.view === 'closed' ? 'No closed cases match.' : filtered ? 'No open cases match these filters.' : 'There are no open cases. New concerns and alerts appear here and in the DSL channel.'}</p>`
    : html`<table class="cases"><caption class="muted">Page ${page}, newest first. Every view is recorded in the case access log.</caption>
<thead><tr><th scope="col">Case</th><th scope="col">Opened</th><th scope="col">Severity</th><th scope="col">Category</th><th scope="col">Status</th><th scope="col">Assigned to</th><th scope="col">What happened</th></tr></thead>
<tbody>${opts.cases.map((c) => row(c, opts.schoolId, opts.tz))}</tbody></table>`}
<nav class="pager" aria-label="Pages">
${page > 1 ? html`<a href="${base}${listQuery(filters, page - 1)}">Newer cases</a>` : html`<span></span>`}
${opts.hasMore ? html`<a href="${base}${listQuery(filters, page + 1)}">Older cases</a>` : html`<span></span>`}
</nav>`;
  return dashboardLayout({ title, body, schoolName: opts.schoolName, signedIn: opts.signedIn });
}
