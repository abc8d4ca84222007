import { describe, expect, it } from 'vitest';
import { dashboardLayout } from '../../src/dashboard/layout.js';
import { TEAMS_JS_PATH } from '../../src/dashboard/teams-js-asset.js';
import { policyLayout } from '../../src/web/policy/page.js';
import { html, markdownToHtml } from '../../src/web/shared/html.js';
import { layout } from '../../src/web/sign/layout.js';
import { redactSignUrl } from '../../src/web/sign/router.js';

describe('sign page HTML helpers', () => {
  it('renders the policy Markdown subset, with wrapped bullets kept together and everything escaped', () => {
    const out = markdownToHtml('# Rules\n\nWe **always**:\n- ask first\n- tell an\n  adult\n\n<script>alert(1)</script>').value;
    expect(out).toBe('<h2>Rules</h2>\n<p>We always:</p>\n<ul><li>ask first</li><li>tell an adult</li></ul>\n<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  it('escapes interpolated values', () => {
    expect(html`<p title="${'"x"'}">${'<b>'}</p>`.value).toBe('<p title="&quot;x&quot;">&lt;b&gt;</p>');
  });

  it('keeps link tokens and sign-in codes out of request logs', () => {
    expect(redactSignUrl('/parents/consent/abcDEF123_-x?y=1')).toBe('/parents/consent/[token]?y=1');
    expect(redactSignUrl('/sign/link/abcDEF123_-x?y=1')).toBe('/sign/link/[token]?y=1');
    expect(redactSignUrl('/sign/kiosk/demx-desk-2345?y=1')).toBe('/sign/kiosk/[token]?y=1');
    expect(redactSignUrl('/sign/oidc/callback?code=secret&state=s2&iss=x')).toBe('/sign/oidc/callback?code=[redacted]&state=[redacted]&iss=x');
    expect(redactSignUrl('/api/messages')).toBe('/api/messages');
  });
});

describe('page frames', () => {
  const frame = (head: string, title: string, header: string, body: string) =>
    `<!doctype html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n${head.startsWith('<meta') ? head.split('\n')[0] + '\n' : ''}<title>${title}</title>\n${head.startsWith('<meta') ? head.split('\n').slice(1).join('\n') : head}\n</head>\n<body>\n<a class="skip" href="#main">Skip to the main content</a>\n<header class="top">${header}</header>\n<main id="main" tabindex="-1">\n${body}\n</main>\n</body>\n</html>`;

  it('frames a sign page with its stylesheet, optional script and escaped school name', () => {
    expect(layout({ title: 'A & B', body: html`<p>x</p>`, script: true, schoolName: 'St <Mary>' })).toBe(
      frame('<link rel="stylesheet" href="/sign/assets/sign.css">\n<script src="/sign/assets/sign.js" defer></script>', 'A &amp; B – St &lt;Mary&gt;', '<p class="school">St &lt;Mary&gt;</p>', '<p>x</p>'),
    );
    expect(layout({ title: 'T', body: html`b` })).toBe(frame('<link rel="stylesheet" href="/sign/assets/sign.css">\n', 'T', '<p class="school">Lantern</p>', 'b'));
  });

  it('frames a policy page unindexed, with the policy stylesheet', () => {
    expect(policyLayout({ title: 'P', body: html`b`, schoolName: 'S' })).toBe(
      frame('<meta name="robots" content="noindex">\n<link rel="stylesheet" href="/policies/assets/policy.css">', 'P – S', '<p class="school">S</p>', 'b'),
    );
  });

  it('frames a dashboard page with teams-js first and the signed-in bar', () => {
    const bar = '<p>Signed in as Ann &quot;A&quot;</p><form method="post" action="/dashboard/s1/sign-out"><input type="hidden" name="_csrf" value="c"><button type="submit">Sign out</button></form>';
    expect(dashboardLayout({ title: 'Cases', body: html`b`, schoolName: 'S', teamsJs: true, signedIn: { schoolId: 's1', name: 'Ann "A"', csrf: 'c' } })).toBe(
      frame(
        `<link rel="stylesheet" href="/dashboard/assets/dashboard.css">\n<script src="${TEAMS_JS_PATH}" defer></script>\n<script src="/dashboard/assets/dashboard.js" defer></script>`,
        'Cases – S DSL dashboard',
        `<p class="school">S · DSL dashboard</p>${bar}`,
        'b',
      ),
    );
    expect(dashboardLayout({ title: 'T', body: html`b` })).toContain('<title>T – Lantern DSL dashboard</title>\n<link rel="stylesheet" href="/dashboard/assets/dashboard.css">\n<script src="/dashboard/assets/dashboard.js" defer></script>\n</head>');
  });
});
