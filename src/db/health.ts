/**
 * How long the database has been down, for the liveness probe: marked down when the embedded FerretDB exits
 * or a ping fails, up again when it answers.
 */
export class DatabaseHealth {
  private downSince: number | null = null;

  /** Records a failure at `at`; an outage already under way keeps its start. */
  markDown(at: number): void {
    this.downSince ??= at;
  }

  /** Records that the database answers again. */
  markUp(): void {
    this.downSince = null;
  }

  /** Records the result of a ping made at `now`. */
  observe(ok: boolean, now: number): void {
    if (ok) this.markUp();
    else this.markDown(now);
  }

  /** Milliseconds the current outage has lasted at `now`; 0 while the database is up. */
  downForMs(now: number): number {
    return this.downSince === null ? 0 : Math.max(0, now - this.downSince);
  }
}
