/** The longest period one pack covers: three school years and a little more. */
export const MAX_PACK_DAYS = 1_100;

/** A pack's period: `from` the start of its first day, `to` the start of the day after its last (exclusive), UTC. */
export interface PackRange {
  from: Date;
  to: Date;
}

function day(text: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const d = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text ? null : d;
}

/** Reads a period given as two days (YYYY-MM-DD, both included), or says what is wrong with it in plain words. */
export function parsePackRange(fromText: string, toText: string): { ok: true; range: PackRange } | { ok: false; problem: string } {
  const from = day(fromText);
  const last = day(toText);
  if (!from || !last) return { ok: false, problem: 'Give both dates as real days, for example 2026-09-01.' };
  if (last < from) return { ok: false, problem: 'The last day must be on or after the first day.' };
  const to = new Date(last.getTime() + 86_400_000);
  if ((to.getTime() - from.getTime()) / 86_400_000 > MAX_PACK_DAYS) return { ok: false, problem: `A pack covers at most ${MAX_PACK_DAYS} days: choose a shorter period.` };
  return { ok: true, range: { from, to } };
}
