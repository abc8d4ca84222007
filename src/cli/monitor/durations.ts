import { ErrorCode, LanternError } from '../../errors.js';

/** "30d", "12h", "90m" or an ISO date → ms since the epoch. */
export function parseSince(value: string, now: number): number {
  const m = /^(\d+)([dhm])$/.exec(value.trim());
  if (m) return now - Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'];
  const at = Date.parse(value);
  if (Number.isNaN(at) || at > now) throw new LanternError(ErrorCode.UsageError, `--since must be a span such as 30d, 12h or 90m, or a past date such as 2026-09-01; got "${value}".`);
  return at;
}

/** "3 h 5 min", "12 min", "40 s" — for lags. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} days`;
}
