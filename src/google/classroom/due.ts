/** The offset (ms) of `timezone` from UTC at the instant `at`. */
function offsetAt(at: Date, timezone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant an assignment is due: `dueInDays` after `now` (counted on the school's calendar), at `dueTime`
 * ("HH:MM") in the school's time zone, so 15:00 is 15:00 in London in summer (14:00 UTC) as well as winter.
 */
export function dueInstant(now: Date, dueInDays: number, dueTime: string, timezone: string): Date {
  const [hh, mm] = dueTime.split(':').map(Number) as [number, number];
  const local = new Date(now.getTime() + offsetAt(now, timezone));
  const wallAsUtc = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + dueInDays, hh, mm);
  // Two passes: the offset at the due instant may differ from today's (a clock change in between).
  let due = wallAsUtc - offsetAt(new Date(wallAsUtc), timezone);
  due = wallAsUtc - offsetAt(new Date(due), timezone);
  return new Date(due);
}
