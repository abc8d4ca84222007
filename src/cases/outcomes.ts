/**
 * How a case ended, in the words DSLs use in CPOMS and MyConcern: what inspectors and social care look for
 * when they read a closed record. The free text beside it says what exactly was done.
 */
export const OUTCOME_CATEGORIES = ['no-further-action', 'monitored', 'early-help', 'social-care', 'police', 'lado', 'other'] as const;
/** One of the fixed outcome categories. */
export type OutcomeCategory = (typeof OUTCOME_CATEGORIES)[number];

/** The outcome categories as the DSL team reads them. */
export const OUTCOME_LABEL: Record<OutcomeCategory, string> = {
  'no-further-action': 'Advice given / no further action',
  monitored: 'Monitored in school',
  'early-help': 'Early help',
  'social-care': "Referral to children's social care",
  police: 'Referral to police',
  lado: 'LADO referral',
  other: 'Other (say what)',
};

/** Whether a value from a form is one of the outcome categories. */
export function isOutcomeCategory(value: unknown): value is OutcomeCategory {
  return typeof value === 'string' && (OUTCOME_CATEGORIES as readonly string[]).includes(value);
}

/** A closed case's outcome in words: the category, then what the DSL wrote (older records have the text only). */
export function outcomeWords(category: OutcomeCategory | null | undefined, text: string | null): string | null {
  if (text === null) return null;
  if (!category) return text;
  return `${category === 'other' ? 'Other' : OUTCOME_LABEL[category]} — ${text}`;
}
