import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CARDS_DIR, renderCard } from '../src/teams/cards.js';
import { cleanText, userText, type UserText } from '../src/teams/card-text.js';
import { ErrorCode, isLanternError } from '../src/errors.js';

const names = readdirSync(CARDS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

function sample(name: string): unknown {
  return JSON.parse(readFileSync(path.join(CARDS_DIR, 'samples', `${name}.json`), 'utf8'));
}

/** The sample with every string leaf replaced by `F<n> ` + value, wrapped as user text; returns the tags used. */
function adversarial(node: unknown, value: string, tags: string[]): unknown {
  if (typeof node === 'string') {
    const tag = `F${tags.length}x`;
    tags.push(tag);
    return userText(`${tag} ${value}`);
  }
  if (Array.isArray(node)) return node.map((item) => adversarial(item, value, tags));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, adversarial(v, value, tags)]));
  return node;
}

function strings(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) node.forEach((n) => strings(n, out));
  else if (node && typeof node === 'object') Object.values(node).forEach((n) => strings(n, out));
  return out;
}

const unescape = (s: string) => s.replace(/\\([\s\S])/g, '$1');

const PIECES = ['${', '}', '${$root.title}', '${title}', '$root', '$data', '$when', '[a](https://x.test)', '<b>bold</b>', '<a href="https://x.test">x</a>',
  '**', '_', '`code`', '# ', '\n- ', '\n> ', '\n1. ', '\u0000', '\u0007', '\u001b[31m', '\u0085', '\u202e', '\r\n', '\t', '😀', '👩‍👩‍👧', 'é', '\\', '&lt;', '|', '~~'];

const adversarialText = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 12 }).map((p) => p.join('')),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(...PIECES).map((p) => p.repeat(Math.ceil(10_000 / p.length)).slice(0, 10_000)),
);

describe('every card template shows user text literally', () => {
  it.each(names)('%s', (name) => {
    fc.assert(
      fc.property(adversarialText, (value) => {
        const tags: string[] = [];
        const data = adversarial(sample(name), value, tags) as object;
        const card = renderCard(name, data);
        const json = JSON.stringify(card);
        expect((JSON.parse(json) as { type: string }).type).toBe('AdaptiveCard');
        const shown = strings(card).filter((s) => tags.some((t) => s.includes(t)));
        expect(shown.length).toBeGreaterThan(0);
        const expected = (tag: string) => cleanText(`${tag} ${value}`, (userText('') as UserText).max);
        for (const s of shown) {
          const tag = tags.find((t) => s.includes(`${t} `)) as string;
          // Unescaping the Markdown gives back the input, control characters removed and cut to the limit.
          expect(unescape(s)).toContain(expected(tag));
          // No link, HTML tag or template expression survives unescaped.
          expect(s).not.toMatch(/(^|[^\\])\]\(/);
          expect(s).not.toMatch(/(^|[^\\])</);
          expect(s).not.toMatch(/(^|[^\\])\$\{/);
          // eslint-disable-next-line no-control-regex -- matching control characters is the point
          expect(s).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202E]/);
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('renderCard checks the template, not the output', () => {
  it('renders data that contains template syntax as text, even without the user-text wrapper', () => {
    const card = renderCard('card-error', { title: '${title}', message: '${$root.next} ${', next: '}$when' });
    expect(strings(card)).toEqual(expect.arrayContaining(['${title}', '${$root.next} ${', '}$when']));
  });

  it('names the fields the data lacks, without quoting the data', () => {
    try {
      renderCard('card-error', { title: 'secret ${words}', message: 'more secret words' });
      expect.unreachable();
    } catch (err) {
      expect(isLanternError(err, ErrorCode.CardTemplateUnfilled)).toBe(true);
      expect((err as Error).message).toContain('next');
      expect((err as Error).message).not.toContain('secret');
    }
  });

  it('cuts a 10,000-character concern on the case card with a visible "…", keeping the card under 28 KB', () => {
    const data = sample('case-channel') as Record<string, unknown>;
    const long = '*['.repeat(5_000);
    const card = renderCard('case-channel', { ...data, what: userText(long, 3_000), who: userText(long), where: userText(long, 300), outcome: userText(long), notice: userText(long) });
    const what = strings(card).find((s) => s.startsWith('\\*\\['));
    expect(what?.endsWith('…')).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
  });
});
