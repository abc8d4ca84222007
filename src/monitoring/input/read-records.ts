import { StringDecoder } from 'node:string_decoder';
import { CsvRows, headerCells } from './csv-rows.js';
import { googleExportRows, isGoogleExportHeader } from './google-export-csv.js';
import { isPurviewHeader, purviewRows } from './purview-csv.js';
import { RecordSplitter, type RecordSink, type SplitterLimits, DEFAULT_LIMITS } from './record-splitter.js';

/** Where decoded text goes once the input's format is known. */
interface TextTarget {
  push(text: string): void;
  end(): void;
}

/** The input formats `readRecords` recognises. */
export type InputFormat = 'json' | 'purview-csv' | 'google-export-csv';

/** How much text is looked at before deciding (a header line is far shorter). */
const SNIFF_CHARS = 64 * 1024;

/**
 * Picks the reader from the start of the input: JSON / JSON Lines (anything starting with `{` or `[`, and
 * anything unrecognised, which the JSON reader then reports line by line), a Purview audit export CSV, or a
 * Google Admin console audit export CSV.
 */
function chooseTarget(head: string, sink: RecordSink, limits: SplitterLimits): { format: InputFormat; target: TextTarget } {
  const first = head.replace(/^[\s\uFEFF]+/, '');
  if (first.startsWith('{') || first.startsWith('[')) return { format: 'json', target: new RecordSplitter(sink, limits) };
  const header = headerCells(first.slice(0, first.indexOf('\n') >= 0 ? first.indexOf('\n') : first.length).replace(/\r$/, ''));
  const rowsFor = isPurviewHeader(header) ? { format: 'purview-csv' as const, rows: purviewRows(header, sink) } : isGoogleExportHeader(header) ? { format: 'google-export-csv' as const, rows: googleExportRows(header, sink) } : undefined;
  if (!rowsFor) return { format: 'json', target: new RecordSplitter(sink, limits) };
  let headerDone = false;
  const csv = new CsvRows(
    {
      row(cells, line) {
        if (!headerDone) headerDone = true;
        else rowsFor.rows(cells, line);
      },
      problem: (line, message) => sink.problem(line, message),
    },
    limits.maxRecordChars,
  );
  return { format: rowsFor.format, target: { push: (text) => csv.push(text.replace(/^\uFEFF/, '')), end: () => csv.end() } };
}

/**
 * Streams a byte source (file, stdin) into records: JSON / JSON Lines, a Purview audit search CSV export, or a
 * Google Admin console audit CSV export. Constant memory whatever the input size. Resolves with the format
 * read when the input is exhausted; a read error rejects.
 */
export async function readRecords(input: AsyncIterable<Buffer | string>, sink: RecordSink, limits: SplitterLimits = DEFAULT_LIMITS): Promise<InputFormat> {
  const decoder = new StringDecoder('utf8');
  let chosen: { format: InputFormat; target: TextTarget } | undefined;
  let head = '';
  const feed = (text: string): void => {
    if (chosen) {
      chosen.target.push(text);
      return;
    }
    head += text;
    // Decide once the first line is complete (or enough text arrived); the JSON path pays this once.
    if (!/\S/.test(head)) {
      if (head.length > SNIFF_CHARS) head = '';
      return;
    }
    if ((head.indexOf('\n', head.search(/\S/)) < 0 && head.length < SNIFF_CHARS)) return;
    chosen = chooseTarget(head, sink, limits);
    chosen.target.push(head);
    head = '';
  };
  for await (const chunk of input) feed(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  const tail = decoder.end();
  if (tail) feed(tail);
  if (!chosen) {
    chosen = chooseTarget(head, sink, limits);
    if (head) chosen.target.push(head);
  }
  chosen.target.end();
  return chosen.format;
}
