import { csvCell } from '../../cases/export.js';
import { exportHeads, formatHead } from '../../integrity/heads.js';
import type { IntegrityKey } from '../../integrity/key.js';
import type { InspectionPack } from './gather.js';

/** One file of the pack: its name in the folder and its text. */
export interface PackFile {
  name: string;
  text: string;
}

type Cell = string | number | Date | null;

function day(d: Date | null): string {
  return d ? d.toISOString().slice(0, 10) : '';
}

function text(v: Cell): string {
  return v instanceof Date ? day(v) : v === null ? '' : String(v);
}

function csv(header: readonly string[], rows: readonly Cell[][]): string {
  return `${[header, ...rows.map((r) => r.map(text))].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

function esc(v: unknown): string {
  return String(v ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface Table {
  file: string;
  title: string;
  intro: string;
  header: string[];
  rows: Cell[][];
}

function tables(pack: InspectionPack): Table[] {
  return [
    {
      file: 'register-adults.csv',
      title: 'Agreements: staff, governors, volunteers and visitors',
      intro: 'Everyone each open agreement was asked of, as it stood at the end of the period. “Never received” means the agreement has not reached them yet.',
      header: ['policy', 'title', 'version', 'person id', 'name', 'role', 'status', 'signed on', 'how signed'],
      rows: pack.registers.map((r) => [r.policyId, r.title, r.version, r.personId, r.name, r.role, r.status, r.signedAt, r.channel]),
    },
    {
      file: 'register-visitors.csv',
      title: 'Agreements: visitors and others without a school account',
      intro: 'Everyone who signed in the period at the reception kiosk, or by an emailed link without a school account, with the name and organisation they gave.',
      header: ['policy', 'title', 'version', 'name', 'organisation', 'signed on', 'how signed'],
      rows: pack.visitors.map((v) => [v.policyId, v.title, v.version, v.name, v.organisation, v.signedAt, v.channel]),
    },
    {
      file: 'register-classes.csv',
      title: 'Agreements: pupils, by class',
      intro: 'Pupils are counted, never named.',
      header: ['policy', 'title', 'class', 'signed', 'total', 'overdue'],
      rows: pack.classes.map((c) => [c.policyId, c.title, c.form, c.signed, c.total, c.overdue]),
    },
    {
      file: 'training.csv',
      title: 'Training completed in the period',
      intro: 'Safeguarding and online-safety training recorded for staff and governors.',
      header: ['name', 'training', 'completed on', 'runs out on', 'provider'],
      rows: pack.training.map((t) => [t.name, t.kind, t.completedOn, t.expiresOn, t.provider]),
    },
    {
      file: 'consents.csv',
      title: 'Parent consent, by class',
      intro: 'The answers that stood at the end of the period, counted per class. A question the school no longer asks keeps its answers, marked "no longer asked".',
      header: ['class', 'consent', 'question', 'given', 'refused', 'withdrawn', 'no answer'],
      rows: pack.consents.map((c) => [c.form, c.kind, c.label, c.given, c.refused, c.withdrawn, c.noAnswer]),
    },
    {
      file: 'filtering-reviews.csv',
      title: 'Filtering and monitoring reviews',
      intro: 'The yearly review against the DfE standards: checklist items met, partly met and not met.',
      header: ['reviewed on', 'who took part', 'met', 'partly', 'not met', 'actions', 'recorded by'],
      rows: pack.fnmReviews.map((r) => [r.reviewedOn, r.participants, r.met, r.partly, r.notMet, r.actions, r.recordedBy]),
    },
    {
      file: 'filter-checks.csv',
      title: 'Filter checks',
      intro: 'The regular checks that the web filter blocks what it should.',
      header: ['checked on', 'what was tested', 'result', 'checked by', 'note'],
      rows: pack.filterChecks.map((c) => [c.checkedAt, c.tested, c.result, c.checkedBy, c.note]),
    },
    {
      file: 'rule-changes.csv',
      title: 'Changes to the monitoring rules',
      intro: 'Every change to what Lantern watches for, with who made it and why.',
      header: ['when', 'who', 'why', 'what changed'],
      rows: pack.ruleChanges.map((c) => [c.at.toISOString(), c.who, c.why, c.what]),
    },
    {
      file: 'incidents.csv',
      title: 'Incidents opened in the period',
      intro: `Counts only: ${pack.incidents.opened} opened, ${pack.incidents.acknowledged} acknowledged, ${pack.incidents.closed} closed; ${pack.incidents.openHighOrCritical} high or critical still open. The case record itself stays with the DSL.`,
      header: ['category', 'severity', 'opened'],
      rows: pack.incidents.byCategory.map((c) => [c.category, c.severity, c.count]),
    },
  ];
}

const PRINT_CSS = `body{font:11pt/1.4 system-ui,sans-serif;margin:2rem;color:#111}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #111}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #888;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#eee}code{font-size:9pt;word-break:break-all}
@media print{body{margin:0}h2{break-after:avoid}tr{break-inside:avoid}a{color:inherit;text-decoration:none}}`;

function htmlTable(t: Table): string {
  const body = t.rows.length
    ? `<table><thead><tr>${t.header.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(text(c))}</td>`).join('')}</tr>`).join('')}</tbody></table>`
    : '<p>Nothing recorded in this period.</p>';
  return `<section><h2>${esc(t.title)}</h2><p>${esc(t.intro)} <a href="${esc(t.file)}">${esc(t.file)}</a></p>${body}</section>`;
}

/** The pack as files: index.html (printable), one CSV per table, and heads.json (the heads, signed with the key when there is one). */
export function renderInspectionPack(pack: InspectionPack, key: IntegrityKey | null): PackFile[] {
  const all = tables(pack);
  const period = `${day(pack.from)} to ${day(new Date(pack.to.getTime() - 1))}`;
  const heads = pack.heads.map(formatHead);
  const index = `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Online-safety records – ${esc(pack.school.name)}</title><style>${PRINT_CSS}</style></head>
<body><main>
<h1>Online-safety records: ${esc(pack.school.name)}</h1>
<p>For ${esc(period)}. Made by Lantern on ${esc(pack.generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC.</p>
${all.map(htmlTable).join('\n')}
<section><h2>Integrity heads</h2><p>Fingerprints of the signature, case, rule-change and parents’ consent records at the end of the period. Compare them with the ones the school published (the governors’ digest, <code>lantern integrity heads</code>), or check them with <code>lantern integrity verify --heads heads.json</code>.</p>
<ul>${heads.map((h) => `<li><code>${esc(h)}</code></li>`).join('')}</ul></section>
</main></body></html>
`;
  return [{ name: 'index.html', text: index }, ...all.map((t) => ({ name: t.file, text: csv(t.header, t.rows) })), { name: 'heads.json', text: `${JSON.stringify(exportHeads(pack.heads, pack.to, key), null, 2)}\n` }];
}
