import type { Source } from '../types.js';

/** A half-open time window [start, end) in ms since the epoch. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** One page of raw audit records as the vendor returned them. */
export interface RecordPage {
  readonly records: readonly unknown[];
  /**
   * Opaque ids of units this page finished (Management API content blobs). Once the checkpoint is saved
   * they are skipped when an overlapping window lists them again.
   */
  readonly units?: readonly string[];
}

/** What a stream's fetcher gets besides the window. */
export interface FetchContext {
  readonly signal?: AbortSignal;
  /** Units finished in an earlier run (see RecordPage.units); a fetcher skips them without fetching. */
  isDone(unit: string): boolean;
}

/**
 * One audit feed of one school: a Reports API application, a Management API content type or a Graph
 * log. The connector core (poll.ts) owns checkpoints, de-duplication and storage; a stream only fetches.
 */
export interface AuditStream {
  /** Stable name, e.g. "google:drive", "microsoft:Audit.Exchange", "microsoft:graph.signIns". */
  readonly id: string;
  readonly source: Source;
  /** How far back each poll re-reads, because the vendor may publish records late (its documented lag). */
  readonly overlapMs: number;
  /** Longest window one request may ask for (the Management API allows 24 hours). */
  readonly maxWindowMs: number;
  /** How far back the vendor keeps records (a backfill or a first run starts no earlier). */
  readonly retentionMs: number;
  /** Pages of raw records for the window, oldest window first; pagination is the stream's business. */
  fetch(window: TimeWindow, ctx: FetchContext): AsyncIterable<RecordPage>;
  /** The record's de-duplication key ('' when it has none; such records are never skipped). */
  eventKey(raw: unknown): string;
}
