/**
 * D3: counts small enough to identify a child. A cell of 1 or 2 reads "fewer than 3"; 0 and totals stay
 * exact. Every count about pupils (incidents, detections, pupils' and parents' agreements) goes through here.
 */
export const SMALL_COUNT_TEXT = 'fewer than 3';

/** True when a count must not be shown as it is. */
export function isSmall(n: number): boolean {
  return n === 1 || n === 2;
}

/** A count as a table cell: "fewer than 3" for 1 or 2. */
export function cell(n: number): string {
  return isSmall(n) ? SMALL_COUNT_TEXT : String(n);
}

/** How one completion row is shown: done / outstanding / percentage, with small counts hidden. */
export interface CompletionCells {
  done: string;
  outstanding: string;
  percent: string;
  /** Bar length 0–1 for the chart; for a suppressed row, the bound that reveals nothing more than the text. */
  fraction: number;
  suppressed: boolean;
}

/**
 * Completion of `done` out of `required`. For rows about children, when either part is 1 or 2, both parts
 * and the percentage are hidden together, since the total is exact and one part gives away the other.
 */
export function completionCells(required: number, done: number, aboutChildren: boolean): CompletionCells {
  const outstanding = Math.max(0, required - done);
  const pct = (n: number) => (required === 0 ? 0 : Math.round((100 * n) / required));
  if (!aboutChildren || (!isSmall(done) && !isSmall(outstanding))) {
    return { done: String(done), outstanding: String(outstanding), percent: `${pct(done)}%`, fraction: required ? done / required : 0, suppressed: false };
  }
  if (isSmall(outstanding)) {
    const floor = Math.floor((100 * Math.max(0, required - 2)) / required);
    return { done: `all but ${SMALL_COUNT_TEXT}`, outstanding: SMALL_COUNT_TEXT, percent: `${floor}% or more`, fraction: floor / 100, suppressed: true };
  }
  const ceil = Math.ceil((100 * 2) / required);
  return { done: SMALL_COUNT_TEXT, outstanding: `all but ${SMALL_COUNT_TEXT}`, percent: `${ceil}% or less`, fraction: 0, suppressed: true };
}
