import { maxSeverity } from './severity.js';
import type { Detection } from './types.js';

/** At most this many event ids are kept on one detection; `count` keeps counting past it. */
export const MAX_EVENT_IDS = 100;

/**
 * Folds `next` into `into` (same fold key, inside the window): counts add up, event ids are merged without
 * repeats, times widen, severity and pupil flags take the stronger value. Returns false (and changes
 * nothing) when every event of `next` is already in `into`, i.e. the same record was seen twice.
 */
export function foldInto(into: Detection, next: Detection): boolean {
  const fresh = next.eventIds.filter((id) => !into.eventIds.includes(id));
  if (fresh.length === 0 && next.eventIds.length > 0) return false;
  const repeated = next.eventIds.length - fresh.length;
  into.count += Math.max(next.count - repeated, 0);
  for (const id of fresh) if (into.eventIds.length < MAX_EVENT_IDS) into.eventIds.push(id);
  if (!(next.firstSeen >= into.firstSeen)) into.firstSeen = Number.isNaN(into.firstSeen) ? next.firstSeen : Math.min(into.firstSeen, next.firstSeen);
  if (!(next.lastSeen <= into.lastSeen)) into.lastSeen = Number.isNaN(into.lastSeen) ? next.lastSeen : Math.max(into.lastSeen, next.lastSeen);
  into.severity = maxSeverity(into.severity, next.severity);
  into.looksLikePupilData ||= next.looksLikePupilData;
  into.pupilInvolved ||= next.pupilInvolved;
  if (into.target === undefined && next.target !== undefined) into.target = next.target;
  return true;
}

/** True when `d` falls inside the fold window that `open` started (times missing on either side fold). */
export function withinWindow(open: Detection, d: Detection, windowMs: number): boolean {
  if (Number.isNaN(open.firstSeen) || Number.isNaN(d.firstSeen)) return true;
  return Math.abs(d.firstSeen - open.firstSeen) <= windowMs && Math.abs(d.lastSeen - open.firstSeen) <= windowMs;
}

/** Options of a folder. */
export interface FolderOptions {
  /** Fold window of a rule, in ms. */
  windowMs(ruleId: string): number;
  /** Called with each finished detection: when its window is superseded, when too many are open, or on flush. */
  onEmit(detection: Detection): void;
  /** Open detections kept before the oldest is emitted early (bounds memory on huge inputs). */
  maxOpen?: number;
}

/**
 * Folds repeats for the same object within a window into one detection with a count (B4). Used by the
 * offline scan; the detection store does the same when saving, so connectors need no folder of their own.
 */
export class DetectionFolder {
  private readonly open = new Map<string, Detection>();
  private readonly maxOpen: number;
  folded = 0;
  duplicates = 0;

  constructor(private readonly options: FolderOptions) {
    this.maxOpen = options.maxOpen ?? 20_000;
  }

  /** Adds one detection as the engine emitted it. */
  add(d: Detection): void {
    const existing = this.open.get(d.foldKey);
    if (existing && withinWindow(existing, d, this.options.windowMs(d.ruleId))) {
      if (foldInto(existing, d)) this.folded++;
      else this.duplicates++;
      return;
    }
    if (existing) {
      this.open.delete(d.foldKey);
      this.options.onEmit(existing);
    }
    this.open.set(d.foldKey, { ...d, eventIds: d.eventIds.slice(0, MAX_EVENT_IDS) });
    if (this.open.size > this.maxOpen) {
      const oldest = this.open.keys().next().value;
      if (oldest !== undefined) {
        const o = this.open.get(oldest);
        this.open.delete(oldest);
        if (o) this.options.onEmit(o);
      }
    }
  }

  /** Emits every open detection, oldest first. */
  flush(): void {
    const all = [...this.open.values()];
    this.open.clear();
    for (const d of all) this.options.onEmit(d);
  }
}
