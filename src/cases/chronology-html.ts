import type { CaseView } from './case-view.js';

/**
 * A case's chronology as a printable HTML page, for a referral to social care or a transfer to the pupil's next
 * school: a header saying whose record it is and who printed it when, then one table row per event. Built
 * from the case view model only, so a "do not view" case prints with no link, file name or item id.
 */

/** Print styles: A4, the table header repeated on each page, no row split across pages. */
export const CHRONOLOGY_CSS = `
*{box-sizing:border-box}
body{font-family:Arial,Helvetica,sans-serif;color:#000;background:#fff;margin:1.5rem;font-size:11pt;line-height:1.4}
.confidential{border:2px solid #000;padding:.4rem .75rem;font-weight:bold;text-transform:uppercase;letter-spacing:.03em;display:inline-block}
h1{font-size:16pt;margin:.75rem 0 .5rem}
dl.head{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0 0 1rem}
dl.head dt{font-weight:bold}
dl.head dd{margin:0}
.dnv{border:2px solid #000;padding:.5rem .75rem;margin:0 0 1rem}
table{width:100%;border-collapse:collapse}
caption{text-align:left;font-weight:bold;padding:.25rem 0}
th,td{border:1px solid #555;padding:.3rem .4rem;text-align:left;vertical-align:top}
td{white-space:pre-wrap;overflow-wrap:anywhere}
thead{display:table-header-group}
tr{break-inside:avoid;page-break-inside:avoid}
.when{white-space:nowrap}
footer{margin-top:1rem;font-size:9pt}
@page{size:A4 landscape;margin:12mm}
@media print{body{margin:0}h1{break-after:avoid}table{font-size:9.5pt}}
`;

function esc(text: unknown): string {
  return String(text ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Who printed the chronology and when, and how the page gets its styles (inline in a file, linked on the dashboard). */
export interface ChronologyPrint {
  schoolName: string;
  printedBy: string;
  printedAt: string;
  /** A stylesheet address (the dashboard's CSP allows no inline style); the styles are inlined without one. */
  stylesheet?: string;
}

/** The printable chronology page of one case. */
export function chronologyHtml(view: CaseView, print: ChronologyPrint): string {
  const style = print.stylesheet ? `<link rel="stylesheet" href="${esc(print.stylesheet)}">` : `<style>${CHRONOLOGY_CSS}</style>`;
  const head: [string, string][] = [
    ['School', print.schoolName],
    ['Case', view.number],
    ['Pupil', view.pupils.join('; ') || 'No pupil named'],
    ['Others involved', view.who],
    ['Category', view.facts.find(([k]) => k === 'Category')?.[1] ?? ''],
    ['Status', view.facts.find(([k]) => k === 'Status')?.[1] ?? ''],
    ['Outcome', view.outcome ?? 'Not closed yet'],
    ['Printed by', `${print.printedBy}, ${print.printedAt}`],
  ];
  const rows = view.chronology
    .map((r) => `<tr><td class="when">${esc(r.day)}</td><td class="when">${esc(r.time)}</td><td>${esc(r.what)}</td><td>${esc(r.who)}</td><td>${esc(r.actions)}</td><td>${esc(r.referrals)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Chronology ${esc(view.number)} – ${esc(print.schoolName)} – confidential</title>
${style}
</head>
<body>
<main>
<p class="confidential">Confidential — child protection</p>
<h1>Chronology of case ${esc(view.number)}</h1>
${view.doNotView ? '<p class="dnv"><strong>Do not view.</strong> This case may involve an indecent image of a child. This record holds no link to it, no file name and no item id; do not try to find or open the item.</p>' : ''}
<dl class="head">${head.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
<table>
<caption>Events, oldest first</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Time</th><th scope="col">What happened</th><th scope="col">Who</th><th scope="col">Actions and who was informed</th><th scope="col">Referrals</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<footer><p>Printed from Lantern by ${esc(print.printedBy)}, ${esc(print.printedAt)}. Confidential — child protection: keep it with the child protection file, share it only with those who need it, and do not leave it on a printer.</p></footer>
</main>
</body>
</html>
`;
}
