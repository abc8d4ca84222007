/**
 * Rolling counters for threshold rules (data.mass_download, data.mass_delete, brute force). The engine
 * uses them synchronously; a connector persists them between runs with `snapshot()` / `restore` and a
 * `CounterStore`, saved together with its checkpoint.
 */

/** Where a key stands after an event is added. */
export const CounterState = {
  /** Fewer than the threshold within the window. */
  Below: 0,
  /** This event brought the count to the threshold. */
  Crossed: 1,
  /** Already at the threshold before this event (the burst goes on). */
  Above: 2,
} as const;
/** One of CounterState's values. */
export type CounterState = (typeof CounterState)[keyof typeof CounterState];

/** The counters one engine uses. */
export interface ThresholdCounters {
  /**
   * Adds an event for `key` and reports whether `threshold` events fall within `windowMs` of it. An event
   * id already counted for the key is ignored (the same record read twice is one event).
   */
  add(key: string, timeMs: number, eventId: string, windowMs: number, threshold: number): CounterState;
  /** The ids of the events currently counted for `key`, oldest first. */
  eventIds(key: string): string[];
  /** Earliest and latest time currently counted for `key`. */
  span(key: string): readonly [number, number] | undefined;
  /** Plain-JSON state for persistence. */
  snapshot(): CounterSnapshot;
}

/** Serialisable counter state: per key, the recent [time, eventId] pairs. */
export type CounterSnapshot = Record<string, Array<[number, string]>>;

/** Persistence for counters between connector runs (implemented by the connector work, e.g. one document per source). */
export interface CounterStore {
  load(schoolId: string, source: string): Promise<CounterSnapshot | undefined>;
  save(schoolId: string, source: string, snapshot: CounterSnapshot): Promise<void>;
}

interface Entry {
  times: number[];
  ids: string[];
  /** Next slot to overwrite once the ring is full. */
  next: number;
  firing: boolean;
  last: number;
}

/**
 * In-memory counters: per key a ring of the last `threshold` events. The window test compares the ring's
 * oldest and newest times, which is exact for input in time order either way (the Reports API lists newest
 * first, exports are usually oldest first). Keys idle for longer than their window are pruned as the scan goes.
 */
export function createMemoryCounters(initial?: CounterSnapshot): ThresholdCounters {
  const entries = new Map<string, Entry>();
  let adds = 0;

  if (initial) {
    for (const [key, pairs] of Object.entries(initial)) {
      if (!Array.isArray(pairs)) continue;
      const clean = pairs.filter((p) => Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'string');
      entries.set(key, { times: clean.map((p) => p[0]), ids: clean.map((p) => p[1]), next: 0, firing: false, last: clean.at(-1)?.[0] ?? 0 });
    }
  }

  function prune(now: number, windowMs: number): void {
    for (const [key, e] of entries) if (Math.abs(now - e.last) > windowMs * 2) entries.delete(key);
  }

  return {
    add(key, timeMs, eventId, windowMs, threshold) {
      if (++adds % 50_000 === 0 && Number.isFinite(timeMs)) prune(timeMs, windowMs);
      let e = entries.get(key);
      if (!e) {
        e = { times: [], ids: [], next: 0, firing: false, last: timeMs };
        entries.set(key, e);
      }
      // The same record read twice is one event: a repeat has the same time, so compare numbers first.
      for (let i = 0; i < e.times.length; i++) {
        if (e.times[i] === timeMs && e.ids[i] === eventId) return e.firing ? CounterState.Above : CounterState.Below;
      }
      e.last = timeMs;
      const size = Math.max(1, threshold);
      if (e.times.length < size) {
        e.times.push(timeMs);
        e.ids.push(eventId);
      } else {
        e.times[e.next] = timeMs;
        e.ids[e.next] = eventId;
        e.next = (e.next + 1) % size;
      }
      if (e.times.length < size) return (e.firing = false), CounterState.Below;
      // Any two counted events further apart than the window mean the span is too: skip the full scan.
      if (Math.abs(timeMs - (e.times[e.next] as number)) > windowMs) return (e.firing = false), CounterState.Below;
      let min = Infinity;
      let max = -Infinity;
      for (const t of e.times) {
        if (t < min) min = t;
        if (t > max) max = t;
      }
      const within = max - min <= windowMs || !Number.isFinite(max - min);
      if (!within) return (e.firing = false), CounterState.Below;
      if (e.firing) return CounterState.Above;
      e.firing = true;
      return CounterState.Crossed;
    },
    eventIds(key) {
      const e = entries.get(key);
      if (!e) return [];
      return [...e.ids.slice(e.next), ...e.ids.slice(0, e.next)];
    },
    span(key) {
      const e = entries.get(key);
      if (!e || e.times.length === 0) return undefined;
      return [Math.min(...e.times), Math.max(...e.times)];
    },
    snapshot() {
      const out: CounterSnapshot = {};
      for (const [key, e] of entries) {
        const order = [...e.times.keys()].map((i) => (i + e.next) % e.times.length);
        out[key] = order.map((i) => [e.times[i] ?? 0, e.ids[i] ?? '']);
      }
      return out;
    },
  };
}
