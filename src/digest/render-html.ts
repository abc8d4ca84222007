import { chartHeight, CHART_SIZE } from './charts.js';
import type { DigestView, Tone, ViewChart, ViewSection, ViewTable } from './view.js';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const FONT = "font-family:Arial,Helvetica,sans-serif;";
const TONE_BG: Record<Tone, string> = { ok: '#e8f5e9', amber: '#fff4e0', red: '#fdecea' };
const TONE_BAR: Record<Tone, string> = { ok: '#2e7d32', amber: '#b7791f', red: '#c0392b' };
const TONE_WORD: Record<Tone, string> = { ok: 'OK', amber: 'Watch', red: 'Act' };

function table(t: ViewTable): string {
  const th = (c: string, i: number) => `<th class="lx-cell" align="${i === 0 ? 'left' : 'right'}" style="${FONT}font-size:13px;color:#52606d;font-weight:bold;padding:6px 8px;border-bottom:2px solid #cbd2d9;">${escapeHtml(c)}</th>`;
  const td = (c: string, i: number, extra = '') => `<td class="lx-cell" align="${i === 0 ? 'left' : 'right'}" style="${FONT}font-size:14px;color:#1f2933;padding:6px 8px;border-bottom:1px solid #e4e7eb;${extra}">${escapeHtml(c)}</td>`;
  const rows = t.rows
    .map((r) => {
      const bar = r.tone && r.tone !== 'ok' ? `border-left:4px solid ${TONE_BAR[r.tone]};` : 'border-left:4px solid transparent;';
      return `<tr>${r.cells.map((c, i) => td(c, i, i === 0 ? bar : '')).join('')}</tr>`;
    })
    .join('');
  const total = t.total ? `<tr>${t.total.map((c, i) => td(c, i, 'font-weight:bold;border-bottom:none;')).join('')}</tr>` : '';
  const caption = t.caption ? `<p style="${FONT}font-size:14px;font-weight:bold;color:#1f2933;margin:14px 0 4px 0;">${escapeHtml(t.caption)}</p>` : '';
  return `${caption}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;width:100%;"><tr>${t.columns.map(th).join('')}</tr>${rows}${total}</table>`;
}

function chart(c: ViewChart, src: string): string {
  return `<img src="${escapeHtml(src)}" alt="${escapeHtml(c.alt)}" width="${CHART_SIZE.width}" height="${chartHeight(c)}" style="display:block;width:100%;max-width:${CHART_SIZE.width}px;height:auto;border:0;margin:8px 0;">`;
}

function section(s: ViewSection, imageSrc: (c: ViewChart) => string): string {
  const tone = s.tone ?? 'ok';
  const badge = s.noData
    ? `<span style="${FONT}font-size:12px;color:#52606d;background:#f0f2f5;padding:2px 8px;">No data yet</span>`
    : s.tone
      ? `<span style="${FONT}font-size:12px;font-weight:bold;color:${TONE_BAR[tone]};background:${TONE_BG[tone]};padding:2px 8px;">${TONE_WORD[tone]}</span>`
      : '';
  const body = s.noData
    ? `<p style="${FONT}font-size:14px;color:#52606d;margin:6px 0 0 0;">${escapeHtml(s.noData)}</p>`
    : [
        s.summary ? `<p style="${FONT}font-size:15px;color:#1f2933;margin:6px 0 0 0;">${escapeHtml(s.summary)}</p>` : '',
        s.chart ? chart(s.chart, imageSrc(s.chart)) : '',
        ...s.tables.map(table),
        ...s.notes.map((n) => `<p style="${FONT}font-size:12px;color:#616e7c;margin:8px 0 0 0;overflow-wrap:anywhere;word-break:break-word;">${escapeHtml(n)}</p>`),
      ].join('');
  return `<tr><td class="lx-pad" style="padding:18px 20px;border-top:1px solid #e4e7eb;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td style="${FONT}font-size:18px;font-weight:bold;color:#102a43;">${escapeHtml(s.heading)}</td><td align="right">${badge}</td></tr></table>${body}</td></tr>`;
}

/**
 * The digest as an HTML email: nested tables, inline styles, no CSS classes or web fonts, so Outlook
 * (Word rendering engine) and Gmail show it alike. `imageSrc` gives each chart's src: `cid:` in mail, a
 * file name in a preview.
 */
export function renderHtml(view: DigestView, imageSrc: (c: ViewChart) => string = (c) => `cid:${c.cid}`): string {
  const headlines = view.headlines
    .map((h) => `<tr><td style="${FONT}font-size:14px;color:#1f2933;background:${TONE_BG[h.tone]};border-left:4px solid ${TONE_BAR[h.tone]};padding:8px 10px;">${escapeHtml(h.text)}</td></tr><tr><td style="height:6px;line-height:6px;font-size:0;">&nbsp;</td></tr>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(view.subject)}</title>
<style>@media only screen and (max-width:480px){.lx-pad{padding-left:10px!important;padding-right:10px!important}.lx-cell{padding-left:4px!important;padding-right:4px!important;font-size:13px!important}}</style></head>
<body style="margin:0;padding:0;background:#f0f2f5;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f0f2f5;"><tr><td align="center" style="padding:16px 4px;">
<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:640px;background:#ffffff;border:1px solid #d9e2ec;">
<tr><td style="padding:20px 20px 12px 20px;background:#102a43;"><p style="${FONT}font-size:13px;color:#bcccdc;margin:0;">${escapeHtml(view.schoolName)} · governors’ weekly digest</p><h1 style="${FONT}font-size:22px;color:#ffffff;margin:6px 0 0 0;font-weight:bold;">${escapeHtml(view.title)}</h1></td></tr>
<tr><td class="lx-pad" style="padding:16px 20px 8px 20px;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${headlines}</table></td></tr>
${view.sections.map((s) => section(s, imageSrc)).join('\n')}
<tr><td style="${FONT}font-size:12px;color:#616e7c;padding:16px 20px;border-top:1px solid #e4e7eb;">${escapeHtml(view.footer)}</td></tr>
</table></td></tr></table>
</body></html>
`;
}
