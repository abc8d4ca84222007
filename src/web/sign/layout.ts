import type { Response } from 'express';
import { html, pageShell, pageTitle, type Html } from '../shared/html.js';

/** The page frame every sign page shares: Lantern's shell with the sign stylesheet and (optionally) script. */
export function layout(opts: { title: string; body: Html; script?: boolean; schoolName?: string }): string {
  return pageShell({
    title: pageTitle(opts.title, opts.schoolName),
    head: ['<link rel="stylesheet" href="/sign/assets/sign.css">', opts.script ? '<script src="/sign/assets/sign.js" defer></script>' : ''],
    header: html`<p class="school">${opts.schoolName ?? 'Lantern'}</p>`,
    body: opts.body,
  });
}

/** A page that explains why something cannot be done and what to do next. */
export function messagePage(opts: { title: string; lines: readonly string[]; schoolName?: string }): string {
  return layout({
    title: opts.title,
    schoolName: opts.schoolName,
    body: html`<div class="panel" role="alert"><h1>${opts.title}</h1>${opts.lines.map((l) => html`<p>${l}</p>`)}</div>`,
  });
}

/** The page when a form arrives without its security token (an old tab, or a forged post). */
export function csrfRefused(res: Response): void {
  res
    .status(403)
    .type('html')
    .send(
      messagePage({
        title: 'We could not accept this form',
        lines: ['Nothing was saved. The form was missing its security check, which can happen if the page was open for a long time.', 'Please go back, reload the page and try again.'],
      }),
    );
}
