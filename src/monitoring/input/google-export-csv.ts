import { ALL_RULES } from '../rules/index.js';
import type { RecordSink } from './record-splitter.js';

/**
 * The Google Admin console's audit log export (Reporting › Audit and investigation › Download, CSV): one row per
 * event, one column per attribute as the console names it. Lantern needs the event (its Reports API name),
 * when it happened and who did it; the other columns become the event's parameters, either under their Reports
 * API names or through ATTRIBUTE_PARAMETERS for the console's names.
 */
const TIME_COLUMNS = ['date', 'time', 'event time'];
const EVENT_COLUMNS = ['event name', 'event'];
const ACTOR_COLUMNS = ['actor', 'actor email', 'user'];
const APPLICATION_COLUMNS = ['application', 'application name', 'data source', 'service'];
const IP_COLUMNS = ['ip address', 'actor ip address'];

/** Console attribute names → Reports API parameter names (Drive, admin and login log events). Data. */
export const ATTRIBUTE_PARAMETERS: Readonly<Record<string, string>> = {
  'document id': 'doc_id',
  title: 'doc_title',
  'document type': 'doc_type',
  owner: 'owner',
  visibility: 'visibility',
  'prior visibility': 'old_visibility',
  'target user': 'target_user',
  'target domain': 'target_domain',
  'new owner': 'new_owner',
  'user email': 'USER_EMAIL',
  'role name': 'ROLE_NAME',
  'org unit name': 'ORG_UNIT_NAME',
  'setting name': 'SETTING_NAME',
  'old value': 'OLD_VALUE',
  'new value': 'NEW_VALUE',
  'app name': 'app_name',
  'client id': 'client_id',
  scope: 'scope',
  'api client name': 'API_CLIENT_NAME',
  'api scopes': 'API_SCOPES',
  'affected email address': 'affected_email_address',
};

/** Each event a rule reads → its Reports API application, from the rules' own triggers. */
function eventApplications(): Map<string, string> {
  const out = new Map<string, string>();
  for (const rule of ALL_RULES) {
    for (const t of rule.triggers) {
      if (t.kind !== 'google.reports.activity' || t.events === '*') continue;
      for (const e of t.events) if (!out.has(e.toLowerCase())) out.set(e.toLowerCase(), t.applications[0] ?? '');
    }
  }
  return out;
}
let applications: Map<string, string> | undefined;

function find(header: readonly string[], names: readonly string[]): number {
  for (const n of names) {
    const i = header.indexOf(n);
    if (i >= 0) return i;
  }
  return -1;
}

/** True for a header with the columns of a Google Admin console audit export (an event, a time and an actor). */
export function isGoogleExportHeader(header: readonly string[]): boolean {
  return find(header, EVENT_COLUMNS) >= 0 && find(header, TIME_COLUMNS) >= 0 && find(header, ACTOR_COLUMNS) >= 0;
}

/** The Reports API event name for a cell: the name itself, or a console title written in words ("2sv disable"). */
function eventName(cell: string, known: Map<string, string>): { name: string; application?: string } {
  const raw = cell.trim();
  for (const candidate of [raw, raw.replace(/[\s-]+/g, '_')]) {
    const app = known.get(candidate.toLowerCase());
    if (app !== undefined) {
      // Admin events are upper case in the API, the others lower case.
      return { name: app === 'admin' ? candidate.toUpperCase() : candidate.toLowerCase(), application: app };
    }
  }
  return { name: raw };
}

/** Turns each data row of a Google export into a Reports API activity (id `export-line-N`). */
export function googleExportRows(header: readonly string[], sink: RecordSink): (cells: string[], line: number) => void {
  applications ??= eventApplications();
  const known = applications;
  const at = { time: find(header, TIME_COLUMNS), event: find(header, EVENT_COLUMNS), actor: find(header, ACTOR_COLUMNS), app: find(header, APPLICATION_COLUMNS), ip: find(header, IP_COLUMNS) };
  const used = new Set(Object.values(at));
  const params = header.map((h, i) => (used.has(i) ? undefined : (ATTRIBUTE_PARAMETERS[h] ?? (/^[a-z0-9_]+$/i.test(h) ? h : undefined))));
  const original = header;
  return (cells, line) => {
    const when = Date.parse((cells[at.time] ?? '').trim());
    if (!Number.isFinite(when)) {
      sink.problem(line, `the ${original[at.time] ?? 'date'} cell "${(cells[at.time] ?? '').slice(0, 40)}" is not a date and time`);
      return;
    }
    const event = eventName(cells[at.event] ?? '', known);
    if (!event.name) {
      sink.problem(line, 'the event cell is empty');
      return;
    }
    const application = (at.app >= 0 ? cells[at.app]?.trim().toLowerCase() : '') || event.application || 'admin_console_export';
    const parameters: Record<string, unknown>[] = [];
    params.forEach((name, i) => {
      const value = cells[i]?.trim();
      if (!name || !value) return;
      // Multi-valued attributes (scopes) are exported as one cell; the rules read either shape.
      parameters.push(name === 'scope' || name === 'API_SCOPES' ? { name, multiValue: value.split(/[\s,]+/).filter(Boolean) } : { name, value });
    });
    sink.record(
      {
        kind: 'admin#reports#activity',
        id: { time: new Date(when).toISOString(), uniqueQualifier: `export-line-${line}`, applicationName: application },
        actor: { email: (cells[at.actor] ?? '').trim() },
        ...(at.ip >= 0 && cells[at.ip]?.trim() ? { ipAddress: cells[at.ip]?.trim() } : {}),
        events: [{ type: '', name: event.name, parameters }],
      },
      line,
    );
  };
}
