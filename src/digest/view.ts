/** The digest as every renderer sees it: words and already-suppressed numbers only (see present.ts). */

/** Red marks something governors should ask about; amber, something to watch. */
export type Tone = 'ok' | 'amber' | 'red';

/** One table row. */
export interface ViewRow {
  cells: string[];
  tone?: Tone;
}

/** A table with a header and optionally a bold total row. */
export interface ViewTable {
  caption?: string;
  columns: string[];
  rows: ViewRow[];
  total?: string[];
}

/** A chart: the PNG is drawn from `series`, the same numbers are in a table. */
export interface ViewChart {
  /** Content-ID of the inline image and its file name in a preview. */
  cid: string;
  file: string;
  alt: string;
  kind: 'trend' | 'completion';
  /** Labels and values as drawn; suppressed values carry `small: true` and are drawn as "<3". */
  series: { label: string; value: number; second?: number; small?: boolean; text?: string }[];
}

/** One part of the digest. */
export interface ViewSection {
  id: string;
  heading: string;
  /** Set when the section has no data yet; then nothing else is shown. */
  noData?: string;
  summary?: string;
  tone?: Tone;
  chart?: ViewChart;
  tables: ViewTable[];
  notes: string[];
}

/** A whole digest ready to render. */
export interface DigestView {
  subject: string;
  title: string;
  schoolName: string;
  weekLabel: string;
  weekId: string;
  /** Up to a few one-line facts for the top of the message. */
  headlines: { text: string; tone: Tone }[];
  sections: ViewSection[];
  footer: string;
}
