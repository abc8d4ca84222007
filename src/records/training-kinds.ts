/**
 * The kinds of training a school records, and how long each stays in date. Data, not code: the school
 * policies ask for induction once, an online-safety refresher every year, DSL training every two years,
 * governor safeguarding training, and (DfE cyber security standard) yearly cyber training for governors.
 */
export const TRAINING_KINDS = {
  induction: { label: 'Induction (safeguarding and online safety)', validMonths: null, for: 'staff' },
  'online-safety': { label: 'Online-safety refresher', validMonths: 12, for: 'staff' },
  dsl: { label: 'DSL training', validMonths: 24, for: 'dsl' },
  'governor-safeguarding': { label: 'Governor safeguarding and online safety', validMonths: 36, for: 'governor' },
  'governor-cyber': { label: 'Governor cyber security', validMonths: 12, for: 'governor' },
} as const satisfies Record<string, { label: string; validMonths: number | null; for: 'staff' | 'dsl' | 'governor' }>;

/** A kind of training, e.g. `online-safety`. */
export type TrainingKind = keyof typeof TRAINING_KINDS;

/** Every kind, in the order lists and the digest show them. */
export const TRAINING_KIND_IDS = Object.keys(TRAINING_KINDS) as TrainingKind[];

/** Whether a word names a kind of training. */
export function isTrainingKind(value: string): value is TrainingKind {
  return Object.hasOwn(TRAINING_KINDS, value);
}

/** When training of `kind` completed on `completedOn` runs out; null when it does not (induction). */
export function trainingExpiry(kind: TrainingKind, completedOn: Date): Date | null {
  const months = TRAINING_KINDS[kind].validMonths;
  if (months === null) return null;
  const out = new Date(completedOn);
  out.setUTCMonth(out.getUTCMonth() + months);
  return out;
}
