/** Escapes text for HTML element content and attribute values. */
export function esc(text: unknown): string {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** HTML already escaped by the caller; `html` template parts are trusted, values are escaped. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Tagged template: interpolated values are escaped unless they are Html (or arrays of Html). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    const part = v instanceof Html ? v.value : Array.isArray(v) ? v.map((x) => (x instanceof Html ? x.value : esc(x))).join('') : esc(v);
    out += part + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/**
 * Renders the small Markdown subset policy bodies use: headings (#, ##), bullet lists (- or *), and paragraphs;
 * everything is escaped, so a policy body can never inject markup into the page.
 */
export function markdownToHtml(text: string): Html {
  const out: string[] = [];
  let list: string[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) out.push(`<p>${esc(para.join(' '))}</p>`);
    if (list.length) out.push(`<ul>${list.map((li) => `<li>${esc(li)}</li>`).join('')}</ul>`);
    para = [];
    list = [];
  };
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim().replace(/\*\*(.+?)\*\*/g, '$1');
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    const bullet = /^[-*]\s+(.*)$/.exec(line);
    if (!line) flush();
    else if (heading) {
      flush();
      // Page h1 is the title; body headings start at h2.
      const level = Math.min(6, (heading[1] ?? '#').length + 1);
      out.push(`<h${level}>${esc(heading[2])}</h${level}>`);
    } else if (bullet) {
      if (para.length) flush();
      list.push(bullet[1] ?? '');
    } else if (list.length) {
      // A wrapped line continues the bullet above it.
      list[list.length - 1] = `${list[list.length - 1] ?? ''} ${line}`;
    } else {
      para.push(line);
    }
  }
  flush();
  return new Html(out.join('\n'));
}

/** What differs between Lantern's page frames (sign pages, policy pages, dashboard). */
export interface PageShell {
  /** The whole `<title>` text (escaped here). */
  title: string;
  /** Lines of `<head>` after the title: the page's own stylesheet and scripts (trusted markup). */
  head: readonly string[];
  /** The inside of the top header bar. */
  header: Html;
  body: Html;
  /** Ask search engines not to index the page. */
  noindex?: boolean;
}

/** The frame every Lantern page shares: language, viewport, title, skip link, header bar and main landmark. */
export function pageShell(page: PageShell): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${page.noindex ? '<meta name="robots" content="noindex">\n' : ''}<title>${esc(page.title)}</title>
${page.head.join('\n')}
</head>
<body>
<a class="skip" href="#main">Skip to the main content</a>
<header class="top">${page.header.value}</header>
<main id="main" tabindex="-1">
${page.body.value}
</main>
</body>
</html>`;
}

/** "Title – School", or the title alone when the school is not known. */
export function pageTitle(title: string, schoolName: string | undefined): string {
  return schoolName ? `${title} – ${schoolName}` : title;
}
