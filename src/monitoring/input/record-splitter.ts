import { JsonScanner, type ScannerSink } from './json-scanner.js';

/** Receives each record (with the line it starts on) and each input problem. */
export interface RecordSink {
  record(value: unknown, line: number): void;
  problem(line: number, message: string): void;
}

/** Limits that keep memory flat whatever the input. */
export interface SplitterLimits {
  /** Lines longer than this are framed by the streaming scanner instead of being buffered whole. */
  longLineChars: number;
  /** Largest single record, in characters. */
  maxRecordChars: number;
}

/** Defaults: real audit records are a few KB; a 1 MB line is an exported page on one line. */
export const DEFAULT_LIMITS: SplitterLimits = { longLineChars: 1 << 20, maxRecordChars: 8 << 20 };

/** Hands on one parsed value: API pages (`items` / `value` arrays) and arrays are unpacked into records. */
function emitValue(sink: RecordSink, value: unknown, line: number): void {
  if (Array.isArray(value)) {
    for (const v of value) sink.record(v, line);
    return;
  }
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const page = Array.isArray(o.items) ? o.items : Array.isArray(o.value) ? o.value : undefined;
    if (page) {
      for (const v of page) sink.record(v, line);
      return;
    }
  }
  sink.record(value, line);
}

function parseError(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 160);
}

/** True when a first line that did not parse looks like the opening of a pretty-printed document. */
function opensDocument(line: string): boolean {
  const t = line.trim();
  return t === '{' || /[{[,:]$/.test(t);
}

/**
 * Splits a text stream into records. JSON Lines are read line by line (the fast path); a document that
 * starts with `[`, a pretty-printed page, and any over-long line are framed by the streaming JsonScanner.
 * Push decoded text with `push`, then call `end`.
 */
export class RecordSplitter {
  private mode: 'start' | 'lines' | 'document' = 'start';
  private pending = '';
  private lineNo = 0;
  private firstLine = true;
  private scanner: JsonScanner | undefined;
  private longLine: JsonScanner | undefined;
  private readonly scannerSink: ScannerSink;

  constructor(
    private readonly sink: RecordSink,
    private readonly limits: SplitterLimits = DEFAULT_LIMITS,
  ) {
    this.scannerSink = {
      element: (text, line) => {
        try {
          emitValue(sink, JSON.parse(text), line);
        } catch (err) {
          sink.problem(line, `not valid JSON: ${parseError(err)}`);
        }
      },
      problem: (line, message) => sink.problem(line, message),
    };
  }

  /** Feeds the next piece of decoded text. */
  push(text: string): void {
    if (this.mode === 'start') {
      const data = this.pending + text;
      const m = /[^\s\uFEFF]/.exec(data);
      if (!m) {
        this.pending = data.length > 4096 ? '' : data;
        return;
      }
      this.pending = '';
      const body = data.charCodeAt(0) === 0xfeff ? data.slice(1) : data;
      if (data[m.index] === '[') this.startDocument(body, 1);
      else {
        this.mode = 'lines';
        this.lines(body);
      }
      return;
    }
    if (this.mode === 'document') this.scanner?.feed(text);
    else this.lines(text);
  }

  private startDocument(data: string, firstLine: number): void {
    this.mode = 'document';
    this.scanner = new JsonScanner(this.scannerSink, { maxElementChars: this.limits.maxRecordChars, lineBounded: false, firstLine });
    this.scanner.feed(data);
  }

  private lines(text: string): void {
    let from = 0;
    if (this.longLine) {
      const next = this.longLine.feed(text);
      if (next < 0) return;
      this.longLine = undefined;
      from = next;
    }
    const data = from === 0 ? this.pending + text : text.slice(from);
    this.pending = '';
    let start = 0;
    let nl: number;
    while ((nl = data.indexOf('\n', start)) !== -1) {
      this.lineNo++;
      if (!this.line(data.slice(start, nl), data, nl + 1)) return;
      start = nl + 1;
    }
    const rest = start === 0 ? data : data.slice(start);
    if (rest.length > this.limits.longLineChars) {
      this.lineNo++;
      this.longLine = new JsonScanner(this.scannerSink, { maxElementChars: this.limits.maxRecordChars, lineBounded: true, firstLine: this.lineNo });
      const next = this.longLine.feed(rest);
      if (next >= 0) {
        this.longLine = undefined;
        this.lines(rest.slice(next));
      }
    } else this.pending = rest;
  }

  /** Handles one complete line; returns false when the rest of `data` was handed to document mode. */
  private line(raw: string, data: string, after: number): boolean {
    const text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (text.length === 0) return true;
    if (text.length > this.limits.longLineChars) {
      // A long line that arrived whole: frame it like one that did not, so limits hold either way.
      new JsonScanner(this.scannerSink, { maxElementChars: this.limits.maxRecordChars, lineBounded: true, firstLine: this.lineNo }).feed(`${text}\n`);
      this.firstLine = false;
      return true;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      if (text.trim() === '') return true;
      if (this.firstLine && opensDocument(text)) {
        this.startDocument(`${text}\n${data.slice(after)}`, this.lineNo);
        return false;
      }
      this.firstLine = false;
      this.sink.problem(this.lineNo, `not valid JSON: ${parseError(err)}`);
      return true;
    }
    this.firstLine = false;
    emitValue(this.sink, value, this.lineNo);
    return true;
  }

  /** Call once at the end of input. */
  end(): void {
    if (this.mode === 'document') this.scanner?.end();
    else if (this.longLine) {
      this.longLine.end();
      this.longLine = undefined;
    } else if (this.mode === 'lines' && this.pending.length > 0) {
      const last = this.pending;
      this.pending = '';
      this.lineNo++;
      if (!this.line(last, '', 0)) this.scanner?.end();
    }
  }
}
