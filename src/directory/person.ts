import { Schema, type InferSchemaType } from 'mongoose';

import { ROLES, YEAR_GROUPS, type Role, type YearGroup } from './roles.js';

export { ROLES, YEAR_GROUPS, type Role, type YearGroup } from './roles.js';

/** Vulnerable-group flags a MIS gives for a pupil (booleans only, never the detail behind them); DSL eyes only. */
export interface VulnerabilityFlags {
  sen: boolean;
  lookedAfter: boolean;
  previouslyLookedAfter: boolean;
  childProtectionPlan: boolean;
}

/** The flag names, in the order the DSL sees them. */
export const VULNERABILITY_FLAGS = ['sen', 'lookedAfter', 'previouslyLookedAfter', 'childProtectionPlan'] as const satisfies readonly (keyof VulnerabilityFlags)[];

const vulnerabilitySchema = new Schema(
  { sen: { type: Boolean, required: true }, lookedAfter: { type: Boolean, required: true }, previouslyLookedAfter: { type: Boolean, required: true }, childProtectionPlan: { type: Boolean, required: true } },
  { _id: false, strict: 'throw' },
);

/** A directory entry: who someone is to the school. Identity only, no contact details beyond email. */
export const personSchema = new Schema(
  {
    schoolId: { type: String, required: true },
    /** Stable id from the source directory (MIS id, Google/Entra id, or demo id). */
    personId: { type: String, required: true },
    email: { type: String, lowercase: true, trim: true },
    displayName: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    /** Staff job title such as "Class teacher" or "IT manager"; not set for pupils. */
    jobTitle: { type: String },
    yearGroup: { type: String, enum: YEAR_GROUPS },
    form: { type: String },
    /** Forms a member of staff teaches as form teacher. */
    formsTaught: { type: [String], default: undefined },
    /** For parents: the personIds of their children. */
    childrenIds: { type: [String], default: undefined },
    /** Microsoft Entra object id, used to recognise the person in Teams. */
    aadObjectId: { type: String },
    /** Admin roles the person holds in Google Workspace or Entra, by recognisable name (metadata only). */
    adminRoles: { type: [String], default: undefined },
    /** A pupil's date of birth (from a MIS), for case retention: date of birth + 25 years. */
    dateOfBirth: { type: Date },
    /** Set only when the school turns vulnerable-group flags on and at least one is true; read only by DSL views. */
    vulnerability: { type: vulnerabilitySchema, default: undefined },
    active: { type: Boolean, default: true },
  },
  { timestamps: true, strict: 'throw' },
);
personSchema.index({ schoolId: 1, personId: 1 }, { unique: true });
personSchema.index({ schoolId: 1, email: 1 });
personSchema.index({ aadObjectId: 1 });

/** A person as stored. */
export type Person = InferSchemaType<typeof personSchema>;

/** The fields a directory source provides for one person. */
export interface PersonInput {
  personId: string;
  email?: string;
  displayName: string;
  role: Role;
  jobTitle?: string;
  yearGroup?: YearGroup;
  form?: string;
  formsTaught?: string[];
  childrenIds?: string[];
  aadObjectId?: string;
  /** Admin roles held (Google / Entra), by recognisable name; [] for none; absent when the source does not say. */
  adminRoles?: string[];
  /** Date of birth (a MIS gives it); absent when the source does not say. */
  dateOfBirth?: Date;
  /** Vulnerable-group flags; null when the source says there are none (or they are off), absent when it does not say. */
  vulnerability?: VulnerabilityFlags | null;
}

/** A stored person as a source entry (what an incremental read merges its changes onto). */
export function personInputOf(p: Person): PersonInput {
  const entry: PersonInput = { personId: p.personId, displayName: p.displayName, role: p.role as Role };
  if (p.email) entry.email = p.email;
  if (p.jobTitle) entry.jobTitle = p.jobTitle;
  if (p.yearGroup) entry.yearGroup = p.yearGroup as YearGroup;
  if (p.form) entry.form = p.form;
  if (p.formsTaught) entry.formsTaught = [...p.formsTaught];
  if (p.childrenIds) entry.childrenIds = [...p.childrenIds];
  if (p.aadObjectId) entry.aadObjectId = p.aadObjectId;
  if (p.adminRoles) entry.adminRoles = [...p.adminRoles];
  if (p.dateOfBirth) entry.dateOfBirth = p.dateOfBirth;
  entry.vulnerability = p.vulnerability ? { sen: p.vulnerability.sen, lookedAfter: p.vulnerability.lookedAfter, previouslyLookedAfter: p.vulnerability.previouslyLookedAfter, childProtectionPlan: p.vulnerability.childProtectionPlan } : null;
  return entry;
}
