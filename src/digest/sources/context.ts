import type { Connection, mongo } from 'mongoose';
import type { School } from '../../config/load.js';
import type { WeekRange } from '../week.js';

/** What a section reader gets: the database, the school, the week and the 12 weeks before it, and now. */
export interface SourceContext {
  connection: Connection;
  school: School;
  week: WeekRange;
  /** The 12 weeks ending with `week`, oldest first. */
  trendWeeks: WeekRange[];
  now: Date;
}

/**
 * A collection by name, or undefined when it does not exist yet. Readers use the raw driver rather than a
 * model so they keep working whether or not the owning capability has registered its model, and read
 * every field defensively.
 */
export async function collectionIfPresent(connection: Connection, name: string): Promise<mongo.Collection<mongo.Document> | undefined> {
  const db = connection.db;
  if (!db) return undefined;
  const found = await db.listCollections({ name }, { nameOnly: true }).toArray();
  return found.length > 0 ? db.collection<mongo.Document>(name) : undefined;
}

/** A field as a Date, or null when missing or not a date. */
export function asDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'string' || typeof value === 'number') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

/** A field as a short label string, or the fallback. */
export function asLabel(value: unknown, fallback = 'unknown'): string {
  return typeof value === 'string' && value.trim() ? value.trim() : fallback;
}

/** The median of numbers, or null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Adds one to a count. */
export function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
