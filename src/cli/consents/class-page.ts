import type { ClassList } from '../../parents/class-list.js';

function esc(v: unknown): string {
  return String(v ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const REASON: Readonly<Record<string, string>> = { refused: 'parent said no', withdrawn: 'parent withdrew consent', 'no answer': 'no answer from a parent yet' };

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #1a1a1a; margin: 1rem; line-height: 1.5; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
p.meta { color: #4a4a4a; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid #767676; }
ul { margin: 0; padding-left: 1.1rem; }
footer { margin-top: 1.5rem; padding-top: .5rem; border-top: 2px solid #1a1a1a; font-weight: bold; }
@media (max-width: 480px) { table, thead, tbody, tr, th, td { display: block; } thead { position: absolute; left: -9999px; } td { border: 0; padding: .1rem 0; } tr { border-bottom: 1px solid #767676; padding: .5rem 0; } }
@media print { body { margin: 0; font-size: 11pt; } a { color: inherit; } tr { break-inside: avoid; } footer { position: fixed; bottom: 0; left: 0; right: 0; background: #fff; } }
`;

/** The printable "who may not appear" page: the list, the date it was printed, and how to look after it. */
export function classListPage(list: ClassList, printedOn: string): string {
  const uses = list.types.map((t) => t.label).join(', ');
  const rows = list.rows
    .map((r) => `<tr><th scope="row">${esc(r.name)}</th><td><ul>${r.notAllowed.map((n) => `<li>${esc(n.label)} <span>(${esc(REASON[n.reason] ?? n.reason)})</span></li>`).join('')}</ul></td></tr>`)
    .join('\n');
  const body = list.rows.length
    ? `<table><caption>${list.rows.length} of ${list.pupils} pupils may not take part in at least one of these</caption>
<thead><tr><th scope="col">Pupil</th><th scope="col">May not appear in, or take part in</th></tr></thead>
<tbody>
${rows}
</tbody></table>`
    : `<p>Every pupil in ${esc(list.form)} has a parent’s yes for each of these.</p>`;
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Who may not appear: ${esc(list.form)} — ${esc(list.schoolName)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Who may not appear: ${esc(list.form)}</h1>
<p class="meta">${esc(list.schoolName)}. Printed ${esc(printedOn)}. Covers: ${esc(uses)}.</p>
<p>A child is on this list until a parent says yes. If a parent has not answered, treat it as a no.</p>
${body}
</main>
<footer>Keep this private: it names children. Destroy old copies when you print a new one — answers can change at any time.</footer>
</body>
</html>
`;
}
