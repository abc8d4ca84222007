/**
 * Text that came from a person or the directory (a concern, a note, a display name), on its way into a card.
 * Card-data builders wrap such values with `userText` / `userPlain`; renderCard turns each wrapper into a
 * string that Teams shows literally, so no builder has its own escaping to forget.
 */
export class UserText {
  /** @param raw the text as typed; @param max longest shown, in characters; @param markdown the field is Markdown-rendered */
  constructor(readonly raw: string, readonly max: number, readonly markdown: boolean) {}
}

/**
 * Limits, in characters (code points), for user text on a card. Teams refuses a message over about 28 KB;
 * Markdown escaping can double a value's length, so a case card with every field at its limit stays under it.
 */
export const CARD_TEXT_MAX = {
  /** A name, a place, a reference, a one-line answer. */
  short: 300,
  /** A note or a comment. */
  line: 1_000,
  /** What happened: the concern itself (the full text stays on the case). */
  long: 3_000,
} as const;

/** Shown at the end of a value cut to its limit. */
export const TRUNCATED = '…';

// C0 and C1 controls except tab and newline, plus the bidirectional overrides that can disguise text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
// Everything CommonMark or the templating language could read as syntax anywhere in a line.
const INLINE_SYNTAX = /[\\`*_[\]<>~$&|{}!]/g;

/** Removes control characters (keeping newline and tab) and cuts the text to `max` characters with a visible "…". */
export function cleanText(value: string, max: number): string {
  const chars = Array.from(value.replace(CONTROLS, ''));
  return chars.length > max ? `${chars.slice(0, Math.max(0, max - 1)).join('')}${TRUNCATED}` : chars.join('');
}

/** Backslash-escapes Markdown so the text shows as typed: no links, emphasis, headings, lists or HTML. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(INLINE_SYNTAX, '\\$&')
    .split('\n')
    .map((line) => line.replace(/^(\s*)([#+\-=])/, '$1\\$2').replace(/^(\s*)(\d+)([.)])/, '$1$2\\$3'))
    .join('\n');
}

/** User or directory text for a Markdown field (TextBlock, FactSet): rendered literally, cut to `max`. */
export function userText(value: string | null | undefined, max: number = CARD_TEXT_MAX.line): UserText {
  return new UserText(value ?? '', max, true);
}

/** User or directory text for a plain-text field (a choice title, an input's value): controls removed, cut to `max`. */
export function userPlain(value: string | null | undefined, max: number = CARD_TEXT_MAX.short): UserText {
  return new UserText(value ?? '', max, false);
}

/** The string a card shows for `text`. */
export function shownText(text: UserText): string {
  const clean = cleanText(text.raw, text.max);
  return text.markdown ? escapeMarkdown(clean) : clean;
}
