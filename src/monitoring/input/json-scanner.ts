/**
 * A streaming structural scanner for JSON documents too big or too oddly laid out for line-by-line reading:
 * a top-level array of records (one line or pretty-printed), an API page (`{"items": [...]}` / `{"value":
 * [...]}`), or a single over-long line. It finds element boundaries without building the document, so memory
 * stays at one record however large the file; each element is then parsed with JSON.parse.
 */

/** Receives complete element texts and problems, with the line each starts on. */
export interface ScannerSink {
  element(text: string, line: number): void;
  problem(line: number, message: string): void;
}

/** Scanner options. */
export interface ScannerOptions {
  /** Largest element kept, in characters; bigger ones are skipped with a problem. */
  maxElementChars: number;
  /** Stop at the end of the current line (used for one over-long JSONL line). */
  lineBounded: boolean;
  /** Line number of the first character fed. */
  firstLine: number;
}

const PAGE_KEYS = new Set(['items', 'value']);
const WS = new Set([32, 9, 13]);

/** Feed text with `feed`; in line-bounded mode `feed` returns the index just past the line's newline once done. */
export class JsonScanner {
  line: number;
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Depth whose direct children are records: 1 in a top-level array, 2 in a page's items/value array. */
  private recordDepth = -1;
  private topIsObject = false;
  private wholeObject = false;
  private key = '';
  private stringStart = -1;
  private stringPieces = '';
  private lastString = '';
  // Element capture.
  private capturing = false;
  private scalar = false;
  private pieces: string[] = [];
  private chars = 0;
  private start = -1;
  private oversize = false;
  private captureLine = 0;
  private topLine = 0;
  /** Line-bounded: skip to the end of the line after an error. */
  private skipLine = false;
  /** Document mode: a structural error ends the scan (nothing after it can be framed reliably). */
  private stopped = false;

  constructor(
    private readonly sink: ScannerSink,
    private readonly options: ScannerOptions,
  ) {
    this.line = options.firstLine;
  }

  /** True while inside a value (a truncated input ends here). */
  get open(): boolean {
    return this.depth > 0 || this.capturing;
  }

  private begin(i: number, scalar: boolean): void {
    this.capturing = true;
    this.scalar = scalar;
    this.pieces = [];
    this.chars = 0;
    this.start = i;
    this.oversize = false;
    this.captureLine = this.line;
  }

  private finish(text: string, end: number): void {
    if (this.start >= 0) this.keep(text.slice(this.start, end));
    this.capturing = false;
    this.start = -1;
    if (this.oversize) {
      const mb = (this.options.maxElementChars / 1048576).toFixed(0);
      this.sink.problem(this.captureLine, `record is larger than ${mb} MB (${(this.chars / 1048576).toFixed(1)} MB); skipped`);
    } else this.sink.element(this.pieces.join(''), this.captureLine);
    this.pieces = [];
  }

  private keep(piece: string): void {
    this.chars += piece.length;
    if (this.oversize) return;
    if (this.chars > this.options.maxElementChars) {
      this.oversize = true;
      this.pieces = [];
    } else this.pieces.push(piece);
  }

  private fail(message: string): void {
    this.reset();
    if (this.options.lineBounded) {
      this.sink.problem(this.line, message);
      this.skipLine = true;
    } else {
      this.sink.problem(this.line, `${message}; the rest of the input was not read`);
      this.stopped = true;
    }
  }

  private reset(): void {
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.recordDepth = -1;
    this.capturing = false;
    this.pieces = [];
    this.start = -1;
    this.wholeObject = false;
  }

  /** Scans `text` from `from`; returns -1 when it wants more input, or (line-bounded) the index after the line end. */
  feed(text: string, from = 0): number {
    const n = text.length;
    if (this.stopped) return -1;
    for (let i = from; i < n; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 92) this.escape = true;
        else if (c === 34) {
          this.inString = false;
          if (this.topIsObject && this.depth === 1) this.lastString = this.stringPieces + text.slice(Math.max(this.stringStart, from), i);
          if (this.capturing && this.scalar && this.depth === this.recordDepth) this.finish(text, i + 1);
        } else if (c === 10) {
          this.line++;
          if (this.options.lineBounded) return this.truncated(i);
        }
        continue;
      }
      if (c === 10) {
        this.line++;
        if (this.options.lineBounded) {
          if (this.open) return this.truncated(i);
          this.skipLine = false;
          return i + 1;
        }
        continue;
      }
      if (WS.has(c) || this.skipLine) continue;
      if (this.stopped) return -1;
      const d = this.depth;
      if (c === 123 || c === 91) {
        // { or [
        if (d === 0) {
          this.topLine = this.line;
          this.topIsObject = c === 123;
          this.key = '';
          this.lastString = '';
          if (c === 91) this.recordDepth = 1;
          else {
            this.wholeObject = true;
            this.recordDepth = 0;
            this.begin(i, false);
          }
        } else if (c === 91 && d === 1 && this.topIsObject && this.wholeObject && PAGE_KEYS.has(this.key)) {
          this.wholeObject = false; // an API page: stream its records instead of keeping the object
          this.capturing = false;
          this.pieces = [];
          this.start = -1;
          this.recordDepth = 2;
        } else if (d === this.recordDepth && !this.capturing) this.begin(i, false);
        this.depth++;
        continue;
      }
      if (c === 125 || c === 93) {
        // } or ]
        if (this.capturing && this.scalar && d === this.recordDepth) this.finish(text, i);
        this.depth--;
        if (this.depth < 0) {
          this.fail(`unexpected "${String.fromCharCode(c)}"`);
          continue;
        }
        if (this.capturing && !this.scalar && this.depth === this.recordDepth) this.finish(text, i + 1);
        if (this.depth === 1 && this.topIsObject && this.recordDepth === 2 && c === 93) this.recordDepth = -1;
        if (this.depth === 0) {
          this.recordDepth = -1;
          this.topIsObject = false;
          this.wholeObject = false;
        }
        continue;
      }
      if (c === 34) {
        this.inString = true;
        this.stringStart = i + 1;
        this.stringPieces = '';
        if (d === this.recordDepth && !this.capturing) this.begin(i, true);
        continue;
      }
      if (c === 44) {
        // ,
        if (this.capturing && this.scalar && d === this.recordDepth) this.finish(text, i);
        continue;
      }
      if (c === 58) {
        // :
        if (d === 1 && this.topIsObject) this.key = this.lastString;
        continue;
      }
      if (d === 0) {
        this.fail(`unexpected "${String.fromCharCode(c)}" outside any JSON value (expected [ or {)`);
        continue;
      }
      if (d === this.recordDepth && !this.capturing) this.begin(i, true);
    }
    // End of this chunk: carry partial captures over.
    if (this.capturing && this.start >= 0) {
      this.keep(text.slice(Math.max(this.start, from)));
      this.start = 0;
    }
    if (this.inString && this.topIsObject && this.depth === 1) {
      this.stringPieces += text.slice(Math.max(this.stringStart, from)).slice(0, 64);
      this.stringStart = 0;
    }
    return -1;
  }

  private truncated(i: number): number {
    this.sink.problem(this.capturing ? this.captureLine : this.topLine, 'the JSON value ends before it is complete (truncated or malformed line); skipped');
    this.reset();
    return i + 1;
  }

  /** Call at end of input: reports a value left open (a truncated file). */
  end(): void {
    if (this.open) {
      this.sink.problem(this.capturing ? this.captureLine : this.topLine, 'the input ends inside a JSON value (truncated file?); the unfinished record was skipped');
      this.reset();
    }
  }
}
