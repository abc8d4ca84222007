import { formatDuration, sentenceCase } from './wording.js';
import { cell, completionCells } from './suppress.js';
import type { CompletionRow, Counts, DigestData, Section } from './types.js';
import type { DigestView, Tone, ViewSection, ViewTable } from './view.js';

const CATEGORY_ORDER = ['content', 'contact', 'conduct', 'commerce', 'security'];
const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'];
const STATUS_ORDER = ['new', 'acknowledged', 'investigating', 'escalated', 'closed'];

function ordered(counts: Counts, order: readonly string[]): [string, number][] {
  const keys = [...order.filter((k) => k in counts), ...Object.keys(counts).filter((k) => !order.includes(k)).sort()];
  return keys.map((k) => [k, counts[k] ?? 0]);
}

function countTable(caption: string, counts: Counts, order: readonly string[], total: number): ViewTable {
  return { caption: `By ${caption.toLowerCase()}`, columns: [caption, 'Incidents'], rows: ordered(counts, order).map(([k, n]) => ({ cells: [sentenceCase(k), cell(n)] })), total: ['Total', String(total)] };
}

function empty(id: string, heading: string, s: Section<unknown>): ViewSection | undefined {
  return s.state === 'no-data' ? { id, heading, noData: s.reason, tables: [], notes: [] } : undefined;
}

function incidents(data: DigestData): ViewSection {
  const heading = 'Incidents';
  const s = data.incidents;
  if (s.state === 'no-data') return empty('incidents', heading, s) as ViewSection;
  const d = s.data;
  const total12 = d.trend.reduce((n, p) => n + p.total, 0);
  const tables: ViewTable[] = [];
  if (d.total > 0) {
    tables.push(countTable('Category', d.byCategory, CATEGORY_ORDER, d.total), countTable('Severity', d.bySeverity, SEVERITY_ORDER, d.total), countTable('Status', d.byStatus, STATUS_ORDER, d.total));
  }
  tables.push({
    caption: 'Last 12 weeks',
    columns: ['Week of', 'Incidents', 'High or critical'],
    rows: d.trend.map((p) => ({ cells: [p.label, cell(p.total), cell(p.highOrCritical)] })),
    total: ['12 weeks', String(total12), String(d.trend.reduce((n, p) => n + p.highOrCritical, 0))],
  });
  tables.push({
    caption: 'Response times (median)',
    columns: ['', 'This week', 'Last 12 weeks'],
    rows: [
      { cells: ['Time to acknowledge', formatDuration(d.medianHoursToAcknowledge), formatDuration(d.medianHoursToAcknowledge12)] },
      { cells: ['Time to close', formatDuration(d.medianHoursToClose), formatDuration(d.medianHoursToClose12)] },
    ],
  });
  if (d.openHighCritical.length > 0) {
    tables.push({
      caption: 'Open high or critical cases',
      columns: ['Severity', 'Category', 'Status', 'Open for'],
      rows: d.openHighCritical.map((c) => ({ cells: [sentenceCase(c.severity), sentenceCase(c.category), sentenceCase(c.status), `${c.ageDays} day${c.ageDays === 1 ? '' : 's'}`], tone: c.ageDays > 7 ? 'red' : 'amber' })),
    });
  }
  return {
    id: 'incidents',
    heading,
    summary: `${d.total} incident${d.total === 1 ? '' : 's'} this week; ${d.openHighCritical.length} high or critical case${d.openHighCritical.length === 1 ? '' : 's'} still open.`,
    tone: d.openHighCritical.length > 0 ? 'amber' : 'ok',
    chart: {
      cid: 'incident-trend@lantern',
      file: 'incident-trend.png',
      alt: `Bar chart of incidents per week over the last 12 weeks: ${total12} in total.`,
      kind: 'trend',
      series: d.trend.map((p) => ({ label: p.label, value: p.total, second: p.highOrCritical, small: p.total === 1 || p.total === 2 })),
    },
    tables,
    notes: ['Counts of 1 or 2 are shown as "fewer than 3" so that no child can be identified; totals are exact.'],
  };
}

/** The table of KS2 parents' countersignatures, when any KS2 pupils are asked to sign. */
function countersignTable(rows: readonly CompletionRow[] | undefined): ViewSection['tables'] {
  if (!rows?.length) return [];
  const required = rows.reduce((n, r) => n + r.required, 0);
  const done = rows.reduce((n, r) => n + r.done, 0);
  return [
    {
      caption: 'Parents who countersigned their child’s agreement (Years 3 to 6)',
      columns: ['Parents of', 'Pupils asked', 'Countersigned', 'Not yet', 'Complete'],
      rows: rows.map((r) => {
        const c = completionCells(r.required, r.done, r.aboutChildren);
        return { cells: [r.audience.replace(/^Parents of /, ''), String(r.required), c.done, c.outstanding, c.percent] };
      }),
      total: ['All', String(required), String(done), String(required - done), `${required ? Math.round((100 * done) / required) : 0}%`],
    },
  ];
}

function completionSection(id: string, heading: string, s: Section<{ rows: CompletionRow[]; countersigned?: CompletionRow[] }>, chartName?: string): ViewSection {
  if (s.state === 'no-data') return empty(id, heading, s) as ViewSection;
  const rows = s.data.rows.map((r) => ({ r, c: completionCells(r.required, r.done, r.aboutChildren) }));
  const required = s.data.rows.reduce((n, r) => n + r.required, 0);
  const done = s.data.rows.reduce((n, r) => n + r.done, 0);
  const pct = required ? Math.round((100 * done) / required) : 0;
  return {
    id,
    heading,
    summary: `${pct}% complete overall (${done} of ${required}).`,
    tone: pct >= 90 ? 'ok' : pct >= 60 ? 'amber' : 'red',
    ...(chartName
      ? {
          chart: {
            cid: `${chartName}@lantern`,
            file: `${chartName}.png`,
            alt: `Bar chart of completion by audience: ${pct}% overall.`,
            kind: 'completion' as const,
            series: rows.map(({ r, c }) => ({ label: r.audience, value: Math.round(c.fraction * 100), small: c.suppressed, text: c.suppressed ? c.percent.replace(' or more', '+').replace(/^(\d+%) or less$/, '≤$1') : `${c.percent}` })),
          },
        }
      : {}),
    tables: [
      {
        columns: ['Audience', 'Asked', 'Done', 'Outstanding', 'Complete'],
        rows: rows.map(({ r, c }) => ({ cells: [r.audience, String(r.required), c.done, c.outstanding, c.percent], tone: (c.fraction >= 0.9 ? 'ok' : c.fraction >= 0.6 ? 'amber' : 'red') as Tone })),
        total: ['All', String(required), String(done), String(required - done), `${pct}%`],
      },
      ...countersignTable(s.data.countersigned),
    ],
    notes: [],
  };
}

function policies(data: DigestData): ViewSection {
  const heading = 'Policies due for review';
  const s = data.policies;
  if (s.state === 'no-data') return empty('policies', heading, s) as ViewSection;
  const n = s.data.overdue.length;
  const soon = s.data.dueSoon.length;
  const last = (iso: string | null) => (iso ? iso.slice(0, 10) : 'not recorded');
  const tables: ViewTable[] = [];
  if (n) tables.push({ columns: ['Policy', 'Review was due', 'Overdue by', 'Last reviewed'], rows: s.data.overdue.map((p) => ({ cells: [p.title, p.reviewDue.slice(0, 10), `${p.daysOverdue} days`, last(p.lastReviewed)], tone: 'red' as Tone })) });
  if (soon) tables.push({ caption: 'Reviews due soon', columns: ['Policy', 'Review due', 'Days left', 'Last reviewed'], rows: s.data.dueSoon.map((p) => ({ cells: [p.title, p.reviewDue.slice(0, 10), String(p.daysLeft), last(p.lastReviewed)], tone: 'amber' as Tone })) });
  const soonText = soon ? ` ${soon} ${soon === 1 ? 'is' : 'are'} due for review soon.` : '';
  return {
    id: 'policies',
    heading,
    summary: (n === 0 ? `All ${s.data.total} policies are within their review dates.` : `${n} of ${s.data.total} policies are past their review date.`) + soonText,
    tone: n === 0 ? (soon ? 'amber' : 'ok') : 'red',
    tables,
    notes: ['A review recorded with `lantern review record` sets the next review date, whether or not the text changed.'],
  };
}

function trainingRecords(data: DigestData): ViewSection {
  const heading = 'Training records';
  const s = data.trainingRecords;
  if (s.state === 'no-data') return empty('training-records', heading, s) as ViewSection;
  const gaps = s.data.rows.filter((r) => r.inDate < r.required);
  const soon = s.data.rows.reduce((n, r) => n + r.dueSoon, 0);
  return {
    id: 'training-records',
    heading,
    summary: gaps.length === 0 ? `Everyone's recorded training is in date${soon ? `; ${soon} run${soon === 1 ? 's' : ''} out within 30 days` : ''}.` : `Training is missing or out of date for: ${gaps.map((r) => r.label.toLowerCase()).join('; ')}.`,
    tone: gaps.length ? 'red' : soon ? 'amber' : 'ok',
    tables: [
      {
        columns: ['Training', 'Needed by', 'In date', 'Runs out within 30 days', 'Expired', 'Not recorded'],
        rows: s.data.rows.map((r) => ({
          cells: r.atLeastOne ? [r.label, 'at least one governor', r.inDate ? 'yes' : 'no', String(r.dueSoon), String(r.expired), '—'] : [r.label, String(r.required), String(r.inDate), String(r.dueSoon), String(r.expired), String(r.missing)],
          tone: (r.inDate < r.required ? 'red' : r.dueSoon ? 'amber' : 'ok') as Tone,
        })),
      },
    ],
    notes: ['Names are with the DSL (`lantern training due`); people are reminded in Teams before their training runs out.'],
  };
}

function monitoring(data: DigestData, timezoneLabel: (iso: string) => string): ViewSection {
  const heading = 'Monitoring health';
  const s = data.monitoring;
  if (s.state === 'no-data') return empty('monitoring', heading, s) as ViewSection;
  const bad = s.data.connectors.filter((c) => c.state !== 'ok');
  const tables: ViewTable[] = [
    {
      columns: ['Connector', 'Last good scan', 'Lag', 'State'],
      rows: s.data.connectors.map((c) => ({
        cells: [c.connector, c.lastGoodScan ? timezoneLabel(c.lastGoodScan) : 'never', formatDuration(c.lagHours), c.state === 'ok' ? 'OK' : c.state === 'late' ? 'Late' : 'Has not run'],
        tone: (c.state === 'ok' ? 'ok' : 'red') as Tone,
      })),
    },
  ];
  const det = s.data.detections;
  if (det && det.total > 0) {
    tables.push({ caption: 'Detections this week', columns: ['Kind', 'Detections'], rows: Object.entries(det.byFamily).sort().map(([k, n]) => ({ cells: [k, cell(n)] })), total: ['Total', String(det.total)] });
  }
  return {
    id: 'monitoring',
    heading,
    summary: bad.length === 0 ? 'Every connector scanned within the last day.' : `${bad.length} connector${bad.length === 1 ? ' is' : 's are'} not scanning: monitoring has gaps.`,
    tone: bad.length === 0 ? 'ok' : 'red',
    tables,
    notes: [],
  };
}

function ruleChanges(data: DigestData): ViewSection {
  const heading = 'Rule and allowlist changes';
  const s = data.ruleChanges;
  if (s.state === 'no-data') return empty('rule-changes', heading, s) as ViewSection;
  const n = s.data.changes.length;
  return {
    id: 'rule-changes',
    heading,
    summary: n === 0 ? 'No monitoring rules or allowlists were changed this week.' : `${n} change${n === 1 ? '' : 's'} this week; each is logged with who made it and why.`,
    tables: n ? [{ columns: ['When', 'Change', 'Rule, domain or app'], rows: s.data.changes.map((c) => ({ cells: [c.at.slice(0, 10), c.type, c.target || '—'] })) }] : [],
    notes: [],
  };
}

function annualReview(data: DigestData): ViewSection {
  const heading = 'Annual filtering and monitoring review';
  const s = data.annualReview;
  if (s.state === 'no-data') return { id: 'annual-review', heading, noData: s.reason, tone: 'red', tables: [], notes: [] };
  const d = s.data;
  const due = (d.dueBy ?? '').slice(0, 10);
  const detail = d.source === 'recorded' ? ` ${d.participants} people took part; ${d.notMet} checklist point${d.notMet === 1 ? '' : 's'} not fully met; ${d.actions} action${d.actions === 1 ? '' : 's'} agreed.` : '';
  return {
    id: 'annual-review',
    heading,
    summary: (d.overdue ? `Overdue: the last review was ${d.lastReview?.slice(0, 10)}, more than 12 months ago.` : `Last review ${d.lastReview?.slice(0, 10)}; the next is due by ${due}.`) + detail,
    tone: d.overdue ? 'red' : 'ok',
    tables: [],
    notes: d.source === 'config' ? ['This date comes from the configuration file; record the next review with `lantern fnm review`.'] : [],
  };
}

function filterChecks(data: DigestData, timezoneLabel: (iso: string) => string): ViewSection {
  const heading = 'Filter checks';
  const s = data.filterChecks;
  if (s.state === 'no-data') return { id: 'filter-checks', heading, noData: s.reason, tone: 'red', tables: [], notes: [] };
  const d = s.data;
  const last = d.lastCheck ? timezoneLabel(d.lastCheck) : 'never';
  const week = d.inWeek ? ` ${d.inWeek} this week${d.failedInWeek ? `, ${d.failedInWeek} failed` : ''}.` : '';
  return {
    id: 'filter-checks',
    heading,
    summary: d.missed ? `Missed: no filter check in the last ${d.everyDays} days (last ${last}).` : `Last check ${last} (${d.lastResult === 'pass' ? 'passed' : 'failed'}).${week}`,
    tone: d.missed || d.lastResult === 'fail' || d.failedInWeek ? 'red' : 'ok',
    tables: [],
    notes: [],
  };
}

function integrity(data: DigestData): ViewSection {
  const heading = 'Record fingerprints';
  const s = data.integrity;
  if (s.state === 'no-data') return { id: 'integrity', heading, noData: s.reason, tables: [], notes: [] };
  return {
    id: 'integrity',
    heading,
    summary: 'Keep this message: these fingerprints let the school show later that its safeguarding records were not changed or deleted afterwards.',
    tone: 'ok',
    tables: [{ columns: ['Record', 'Entries to date', 'Fingerprint'], rows: s.data.heads.map((h) => ({ cells: [h.label, String(h.entries), h.fingerprint] })) }],
    notes: [`To check: lantern integrity verify --head ${s.data.heads.map((h) => h.line).join(',')}`],
  };
}

function consents(data: DigestData): ViewSection | null {
  const heading = 'Parents\' consents';
  const s = data.consents;
  if (!s) return null;
  if (s.state === 'no-data') return empty('consents', heading, s) as ViewSection;
  const withdrawn = s.data.types.reduce((n, t) => n + t.withdrawn, 0);
  return {
    id: 'consents',
    heading,
    summary: withdrawn > 0 ? 'Some parents have withdrawn a consent; the class teacher and the office were told.' : 'Where pupils stand on each consent today (counts only).',
    tone: 'ok',
    tables: [{
      columns: ['Consent', 'Given', 'Not given', 'Withdrawn', 'Not answered'],
      rows: s.data.types.map((t) => ({ cells: [t.label, cell(t.given), cell(t.notGiven), cell(t.withdrawn), cell(t.notAnswered)] })),
    }],
    notes: [],
  };
}

/** Turns the digest data into the privacy-safe view every renderer uses. */
export function presentDigest(data: DigestData, formatInstant: (iso: string) => string): DigestView {
  const sections = [
    incidents(data),
    monitoring(data, formatInstant),
    annualReview(data),
    filterChecks(data, formatInstant),
    completionSection('agreements', 'Agreements signed', data.agreements, 'agreement-completion'),
    trainingRecords(data),
    completionSection('training', 'Training self-audit', data.training),
    policies(data),
    ruleChanges(data),
    consents(data),
    integrity(data),
  ].filter((s): s is ViewSection => s !== null);
  const headlines = sections.filter((s) => s.summary && s.tone && s.tone !== 'ok').map((s) => ({ text: `${s.heading}: ${s.summary}`, tone: s.tone as Tone }));
  const silent = sections.filter((s) => s.noData).map((s) => s.heading.toLowerCase());
  if (silent.length > 0) headlines.push({ text: `No data yet for: ${silent.join('; ')}.`, tone: 'amber' });
  return {
    subject: `${data.school.name} — online safety, week of ${data.week.label}`,
    title: `Online safety, week of ${data.week.label}`,
    schoolName: data.school.name,
    weekLabel: data.week.label,
    weekId: data.week.id,
    headlines: headlines.length ? headlines : [{ text: 'Nothing needs the governors’ attention this week.', tone: 'ok' }],
    sections,
    footer: `Sent by Lantern for the governors of ${data.school.name} (${data.week.id}). It holds no pupil names, email addresses or file titles; ask the designated safeguarding lead for detail.`,
  };
}
