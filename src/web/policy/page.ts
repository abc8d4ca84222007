import { policyPagePath } from '../../agreements/policy-link.js';
import { localDate } from '../../agreements/state.js';
import type { AgreementVersion } from '../../agreements/version-model.js';
import { html, markdownToHtml, pageShell, pageTitle, type Html } from '../shared/html.js';

/** The policy pages' stylesheet path (served by the policy router; the CSP allows only Lantern's own files). */
export const POLICY_CSS_PATH = '/policies/assets/policy.css';

/** Rules added to the sign pages' stylesheet: the details list, and a fingerprint that wraps on a phone. */
export const POLICY_CSS_EXTRA = `
.meta{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 1.25rem;padding:.75rem 1rem;background:#f8f8f8;border-left:6px solid #1d3557}
.meta dt{font-weight:bold}
.meta dd{margin:0;min-width:0}
.hash{font-family:"Courier New",monospace;font-size:.95rem;overflow-wrap:anywhere;word-break:break-all}
.notice{border-left:6px solid #d4351c;background:#fdf0ee;padding:.5rem 1rem;margin:0 0 1rem}
.policy-text{overflow-wrap:break-word}
.small{font-size:1rem;color:#383f43}
@media (max-width:640px){.meta{grid-template-columns:1fr}.meta dd{margin-bottom:.5rem}}
`;

/** A whole page in the sign pages' frame (language, viewport, skip link, school name), with the policy stylesheet. */
export function policyLayout(opts: { title: string; body: Html; schoolName?: string | undefined }): string {
  return pageShell({
    title: pageTitle(opts.title, opts.schoolName),
    noindex: true,
    head: [`<link rel="stylesheet" href="${POLICY_CSS_PATH}">`],
    header: html`<p class="school">${opts.schoolName ?? 'Lantern'}</p>`,
    body: opts.body,
  });
}

/** What the page shows besides the version itself. */
export interface PolicyPageInput {
  version: AgreementVersion;
  schoolName: string;
  timezone: string;
  /** "Helen Carter, Headteacher"; never an email address. */
  ownerLabel: string;
  /** The current version when this one has been replaced. */
  current?: AgreementVersion | null;
}

const CHANGE_LABELS: Record<string, string> = { initial: 'First version', material: 'Material change: everyone signs again', minor: 'Minor change: earlier signatures still count' };

/**
 * The body without a first heading that only repeats the title (the page's h1 already shows it); its
 * sections then move up a level, so "##" becomes the page's h2 and no heading level is skipped.
 */
function bodyWithoutTitle(body: string, title: string): string {
  const lines = body.split('\n');
  const first = /^#\s+(.*)$/.exec(lines[0]?.trim() ?? '');
  if (!first || first[1]?.trim().toLowerCase() !== title.trim().toLowerCase()) return body;
  return lines.slice(1).map((line) => line.replace(/^##(#*\s)/, '#$1')).join('\n');
}

/** The full text of one policy version, with its details and fingerprint; everything from the version is escaped. */
export function policyPage(input: PolicyPageInput): string {
  const v = input.version;
  const replaced = input.current && input.current._id !== v._id ? input.current : null;
  const body = html`
<h1>${v.title}</h1>
${replaced ? html`<p class="notice" role="note">This is version ${v.number}. It has been replaced by <a href="${policyPagePath(replaced)}">version ${replaced.number}</a>; please read and sign the current version.</p>` : ''}
<dl class="meta">
<dt>Version</dt><dd>${v.number} (${CHANGE_LABELS[v.change] ?? v.change}${v.change === 'initial' ? '' : ` — ${v.reason}`})</dd>
<dt>In force from</dt><dd>${localDate(new Date(v.effectiveDate), input.timezone)}</dd>
<dt>Review due</dt><dd>${localDate(new Date(v.reviewDue), input.timezone)}</dd>
<dt>Owner</dt><dd>${input.ownerLabel}</dd>
<dt>SHA-256</dt><dd><code class="hash">${v.hash}</code></dd>
</dl>
<div class="policy-text">
${markdownToHtml(bodyWithoutTitle(v.body, v.title))}
</div>
<p class="small">The SHA-256 fingerprint identifies this exact text: every signature Lantern records for this version carries it.</p>`;
  return policyLayout({ title: `${v.title} (version ${v.number})`, body, schoolName: input.schoolName });
}

/** A "not found" page that does not say whether the policy exists. */
export function policyNotFoundPage(schoolName?: string): string {
  return policyLayout({
    title: 'Policy not found',
    schoolName,
    body: html`<div class="panel" role="alert"><h1>Policy not found</h1><p>There is no published policy at this address.</p><p>Check the link in your message from Lantern, or ask the school office for the current version.</p></div>`,
  });
}

/** The page shown when Lantern failed to read a policy (logged; nothing about the failure is shown). */
export function policyErrorPage(): string {
  return policyLayout({
    title: 'Something went wrong',
    body: html`<div class="panel" role="alert"><h1>Something went wrong</h1><p>Lantern could not show this policy just now. Please try again in a few minutes.</p></div>`,
  });
}
