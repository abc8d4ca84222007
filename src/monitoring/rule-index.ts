import type { AuditRecord } from './records/types.js';
import type { EffectiveRule } from './settings.js';

type Bucket = { all: EffectiveRule[]; byName: Map<string, EffectiveRule[]> };

function bucket(): Bucket {
  return { all: [], byName: new Map() };
}

function addTo(map: Map<string, EffectiveRule[]>, key: string, rule: EffectiveRule): void {
  const list = map.get(key);
  if (list) {
    if (!list.includes(rule)) list.push(rule);
  } else map.set(key, [rule]);
}

const NONE: readonly EffectiveRule[] = Object.freeze([]);

/**
 * Rules pre-indexed by what they read (Google application + event name, Management API operation, Graph
 * activity), so that a benign record costs a couple of map lookups instead of a pass over every rule.
 */
export class RuleIndex {
  private readonly google = new Map<string, Bucket>();
  private readonly o365 = new Map<string, EffectiveRule[]>();
  private readonly signIn: EffectiveRule[] = [];
  private readonly audit = bucket();
  private readonly alert: EffectiveRule[] = [];
  private readonly googleAlert: EffectiveRule[] = [];
  private readonly scratch: EffectiveRule[] = [];

  constructor(rules: readonly EffectiveRule[]) {
    for (const er of rules) {
      for (const t of er.rule.triggers) {
        switch (t.kind) {
          case 'google.reports.activity':
            for (const app of t.applications) {
              let b = this.google.get(app);
              if (!b) this.google.set(app, (b = bucket()));
              if (t.events === '*') b.all.push(er);
              else for (const name of t.events) addTo(b.byName, name, er);
            }
            break;
          case 'o365.management.activity':
            for (const op of t.operations) addTo(this.o365, op, er);
            break;
          case 'graph.signIn':
            this.signIn.push(er);
            break;
          case 'graph.directoryAudit':
            if (t.activities === '*') this.audit.all.push(er);
            else for (const a of t.activities) addTo(this.audit.byName, a, er);
            break;
          case 'graph.alert':
            this.alert.push(er);
            break;
          case 'google.alert':
            this.googleAlert.push(er);
            break;
        }
      }
    }
  }

  /**
   * The rules to run on a record, each once. The returned array may be reused by the next call: use it
   * before asking again.
   */
  candidates(record: AuditRecord): readonly EffectiveRule[] {
    switch (record.kind) {
      case 'google.reports.activity': {
        const b = this.google.get(record.application);
        if (!b) return NONE;
        const events = record.events;
        if (events.length === 1 && b.all.length === 0) return b.byName.get((events[0] as { name: string }).name) ?? NONE;
        const out = this.scratch;
        out.length = 0;
        for (const r of b.all) out.push(r);
        for (const ev of events) {
          const list = b.byName.get(ev.name);
          if (list) for (const r of list) if (!out.includes(r)) out.push(r);
        }
        return out;
      }
      case 'o365.management.activity':
        return this.o365.get(record.operation) ?? NONE;
      case 'graph.signIn':
        return this.signIn;
      case 'graph.directoryAudit': {
        const named = this.audit.byName.get(record.activity);
        if (this.audit.all.length === 0) return named ?? NONE;
        return named ? [...this.audit.all, ...named.filter((r) => !this.audit.all.includes(r))] : this.audit.all;
      }
      case 'graph.alert':
        return this.alert;
      case 'google.alert':
        return this.googleAlert;
    }
  }
}
