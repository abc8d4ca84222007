import { Schema, type InferSchemaType } from 'mongoose';

/** The roles a person can hold in a school's directory. */
export const ROLES = ['pupil', 'staff', 'governor', 'volunteer', 'visitor', 'parent'] as const;
export type Role = (typeof ROLES)[number];

/** Year groups from Reception (R) to Year 13. */
export const YEAR_GROUPS = ['N', 'R', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13'] as const;
export type YearGroup = (typeof YEAR_GROUPS)[number];

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
}
