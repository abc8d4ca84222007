import { describe, expect, it } from 'vitest';
import { html, markdownToHtml } from '../../src/web/shared/html.js';
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
    expect(redactSignUrl('/sign/oidc/callback?code=secret&state=s2&iss=x')).toBe('/sign/oidc/callback?code=[redacted]&state=[redacted]&iss=x');
    expect(redactSignUrl('/api/messages')).toBe('/api/messages');
  });
});
