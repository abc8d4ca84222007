import type { DigestView, ViewTable } from './view.js';

function table(t: ViewTable): string[] {
  const all = [t.columns, ...t.rows.map((r) => r.cells), ...(t.total ? [t.total] : [])];
  const widths = t.columns.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  const out = t.caption ? [t.caption] : [];
  out.push(line(t.columns), widths.map((w) => '-'.repeat(w)).join('  '));
  for (const [i, r] of t.rows.entries()) out.push(line(r.cells) + (t.rows[i]?.tone === 'red' ? '  (!)' : ''));
  if (t.total) out.push(line(t.total));
  return out;
}

/** The plain-text part: the same content and numbers as the HTML, for clients that do not show HTML. */
export function renderText(view: DigestView): string {
  const out = [`${view.schoolName}: ${view.title}`, '', ...view.headlines.map((h) => `${h.tone === 'red' ? '[ACT] ' : h.tone === 'amber' ? '[WATCH] ' : ''}${h.text}`)];
  for (const s of view.sections) {
    out.push('', s.heading.toUpperCase());
    if (s.noData) {
      out.push(`No data yet: ${s.noData}`);
      continue;
    }
    if (s.summary) out.push(s.summary);
    for (const t of s.tables) out.push('', ...table(t));
    for (const n of s.notes) out.push('', n);
  }
  out.push('', '--', view.footer, '');
  return out.join('\n');
}
