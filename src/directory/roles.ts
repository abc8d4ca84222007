/** The roles a person can hold in a school's directory (kept apart from the person model so readers need no database code). */
export const ROLES = ['pupil', 'staff', 'governor', 'volunteer', 'visitor', 'parent'] as const;
/** One of ROLES. */
export type Role = (typeof ROLES)[number];

/** Year groups from Reception (R) to Year 13. */
export const YEAR_GROUPS = ['N', 'R', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13'] as const;
/** One of YEAR_GROUPS. */
export type YearGroup = (typeof YEAR_GROUPS)[number];
