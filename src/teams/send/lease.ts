import type { Models } from '../../stores.js';
import { isDuplicateKey } from '../../db/errors.js';

/** Timing of the per-tenant sender lease. */
export interface TenantLeaseOptions {
  /** Length of one lease slot (default 5 s). A dead holder blocks a tenant for at most two slots. */
  slotMs?: number;
  /** Largest clock difference assumed between instances (default 500 ms). */
  skewMs?: number;
  /** The time source (default Date.now). */
  now?: () => number;
}

/**
 * Who may send for a tenant right now, agreed between every Lantern instance through the database.
 *
 * Teams allows 50 requests a second per app per tenant, counted across all of an app's senders. A
 * shared token bucket would need an atomic counter, and FerretDB's updates are not atomic; so instead
 * one instance at a time sends for a tenant, under the in-process limiter, and the others wait (or
 * work other tenants). The lease is built from unique inserts only: time is cut into slots, and the
 * instance that inserts `lease:<tenant>@<slot>` first holds that slot. A holder inserts the next slot
 * half a slot before the current one ends, so it keeps the lease while it sends; an instance that stops
 * sending gives the lease back from the next slot, and one that dies loses it within two slots. A new
 * holder whose slot follows another instance's waits until one second (plus the assumed clock
 * difference) after its slot began before its first request, so no one-second window ever holds
 * requests from two holders. The documents live in the claims collection (one per slot of sending).
 */
export class TenantSendLease {
  private readonly slotMs: number;
  private readonly skewMs: number;
  private readonly now: () => number;
  /** tenant → slot → held by this instance? (each slot is decided once, so this never goes stale) */
  private readonly slots = new Map<string, Map<number, boolean>>();
  /** tenant → the first slot of this instance's current run of slots, and when it may first send in it. */
  private readonly runs = new Map<string, { slot: number; firstSendAt: number }>();
  /** Queue runs using this lease now: the lease is given back when the last one leaves. */
  private users = 0;

  constructor(
    private readonly models: Pick<Models, 'agreementSendClaims'>,
    /** Names this instance in the lease documents; unique per process. */
    readonly holder: string,
    options: TenantLeaseOptions = {},
  ) {
    this.slotMs = options.slotMs ?? 5_000;
    this.skewMs = options.skewMs ?? 500;
    this.now = options.now ?? Date.now;
  }

  private id(tenant: string, slot: number): string {
    return `lease:${tenant}@${slot}`;
  }

  /** Takes the slot if free (unique insert); answers whether this instance holds it. */
  private async take(tenant: string, slot: number): Promise<boolean> {
    let known = this.slots.get(tenant);
    if (!known) this.slots.set(tenant, (known = new Map()));
    const cached = known.get(slot);
    if (cached !== undefined) return cached;
    let mine: boolean;
    try {
      await this.models.agreementSendClaims.create({ _id: this.id(tenant, slot), by: this.holder, at: new Date(this.now()) });
      mine = true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const doc = await this.models.agreementSendClaims.findById(this.id(tenant, slot)).lean();
      mine = doc?.by === this.holder;
    }
    known.set(slot, mine);
    for (const old of known.keys()) if (old < slot - 2) known.delete(old);
    return mine;
  }

  /**
   * How long to wait before this instance may send for the tenant: 0 means now. Takes or renews the
   * lease as needed; costs a database write at most once per slot.
   */
  async waitMs(tenant: string): Promise<number> {
    const t = this.now();
    const slot = Math.floor(t / this.slotMs);
    const start = slot * this.slotMs;
    const end = start + this.slotMs;
    if (!(await this.take(tenant, slot))) return end - t + 1;
    const run = this.runs.get(tenant);
    if (!run || (run.slot !== slot && this.slots.get(tenant)?.get(slot - 1) !== true)) {
      // A new run of slots. If another instance held the slot before, it may have sent until this slot
      // began (give or take the clocks' difference): wait until those requests are a second old. Slot
      // documents are never removed once their slot has begun, so no document means nobody held it.
      const previous = await this.models.agreementSendClaims.findById(this.id(tenant, slot - 1)).lean();
      const firstSendAt = previous && previous.by !== this.holder ? Math.max(t, start + 1_000 + this.skewMs) : t;
      this.runs.set(tenant, { slot, firstSendAt });
    }
    // Renew ahead, so sending carries on across the slot boundary.
    if (end - t < this.slotMs / 2 && !(await this.take(tenant, slot + 1)) && end - t <= this.skewMs) return end - t + 1;
    return Math.max(0, (this.runs.get(tenant)?.firstSendAt ?? 0) - t);
  }

  /** Whether a request may leave now, from what is already known (no database): the last check before a post. */
  mayStillSend(tenant: string): boolean {
    const t = this.now();
    const slot = Math.floor(t / this.slotMs);
    const known = this.slots.get(tenant);
    const run = this.runs.get(tenant);
    if (known?.get(slot) !== true || !run || t < run.firstSendAt) return false;
    return (slot + 1) * this.slotMs - t > this.skewMs || known.get(slot + 1) === true;
  }

  /** Registers a queue run; the returned function, called when the run ends, gives back the lease if no other run in this process still uses it. */
  join(): () => Promise<void> {
    this.users += 1;
    let left = false;
    return async () => {
      if (left) return;
      left = true;
      this.users -= 1;
      if (this.users === 0) for (const tenant of [...this.slots.keys()]) await this.release(tenant);
    };
  }

  /**
   * Gives up the slots this instance took ahead of time for the tenant, once it has stopped sending, so
   * another instance can take over from the next slot. Only this holder's own documents are removed,
   * and never a slot that has begun (see waitMs).
   */
  private async release(tenant: string): Promise<void> {
    const known = this.slots.get(tenant);
    if (!known) return;
    const current = Math.floor(this.now() / this.slotMs);
    const ahead = [...known.entries()].filter(([slot, held]) => held && slot > current).map(([slot]) => this.id(tenant, slot));
    this.slots.delete(tenant);
    this.runs.delete(tenant);
    if (ahead.length > 0) await this.models.agreementSendClaims.deleteMany({ _id: { $in: ahead }, by: this.holder });
  }
}
