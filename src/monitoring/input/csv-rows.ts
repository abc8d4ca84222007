/** Receives each CSV row with the line it starts on, and rows too long to keep. */
export interface CsvRowSink {
  row(cells: string[], line: number): void;
  problem(line: number, message: string): void;
}

/**
 * A streaming RFC 4180 reader: quoted cells may hold commas, doubled quotes and line breaks (the Purview
 * export's AuditData cell is quoted JSON). Memory is one row; a row past `maxRowChars` is reported and skipped.
 */
export class CsvRows {
  private cells: string[] = [];
  private cell = '';
  private inQuotes = false;
  private quoteSeen = false;
  private line = 1;
  private rowLine = 1;
  private rowChars = 0;
  private tooLong = false;

  constructor(
    private readonly sink: CsvRowSink,
    private readonly maxRowChars: number,
  ) {}

  /** Feeds the next piece of decoded text. */
  push(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inQuotes) {
        if (c === 34) {
          this.take(text, start, i);
          start = i + 1;
          this.inQuotes = false;
          this.quoteSeen = true;
        } else if (c === 10) this.line++;
        continue;
      }
      if (c === 34) {
        this.take(text, start, i);
        start = i + 1;
        // A quote right after a closing quote is an escaped quote inside the cell.
        if (this.quoteSeen) this.cell += '"';
        this.inQuotes = true;
        this.quoteSeen = false;
        continue;
      }
      this.quoteSeen = false;
      if (c === 44) {
        this.take(text, start, i);
        start = i + 1;
        this.endCell();
      } else if (c === 10) {
        this.take(text, start, i);
        start = i + 1;
        this.endRow();
        this.line++;
        this.rowLine = this.line;
      }
    }
    this.take(text, start, text.length);
  }

  /** Call once at the end of input. */
  end(): void {
    if (this.inQuotes) this.sink.problem(this.rowLine, 'a quoted cell is never closed (the file may be cut short)');
    else if (this.cell !== '' || this.cells.length > 0) this.endRow();
  }

  private take(text: string, from: number, to: number): void {
    if (to <= from || this.tooLong) return;
    this.rowChars += to - from;
    if (this.rowChars > this.maxRowChars) {
      this.tooLong = true;
      this.cell = '';
      this.cells = [];
      return;
    }
    this.cell += text.slice(from, to);
  }

  private endCell(): void {
    this.cells.push(this.cell.endsWith('\r') && !this.inQuotes ? this.cell.slice(0, -1) : this.cell);
    this.cell = '';
  }

  private endRow(): void {
    if (this.tooLong) this.sink.problem(this.rowLine, `row longer than ${this.maxRowChars} characters; skipped`);
    else {
      this.endCell();
      const cells = this.cells;
      if (!(cells.length === 1 && cells[0]?.trim() === '')) this.sink.row(cells, this.rowLine);
    }
    this.cells = [];
    this.cell = '';
    this.rowChars = 0;
    this.tooLong = false;
  }
}

/** Splits one header line into cell names (quotes honoured), lower-cased and trimmed, BOM removed. */
export function headerCells(line: string): string[] {
  const out: string[] = [];
  new CsvRows({ row: (cells) => out.push(...cells), problem: () => {} }, line.length + 1).push(`${line.replace(/^\uFEFF/, '')}\n`);
  return out.map((c) => c.trim().toLowerCase());
}
