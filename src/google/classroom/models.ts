import { Schema, type InferSchemaType } from 'mongoose';

/**
 * The Classroom assignment Lantern made for one course and agreement version. Classroom lets only the project
 * that created a courseWork change it, so the id is kept here and a re-run patches it instead of creating another.
 */
export const classroomAssignmentSchema = new Schema(
  {
    /** `<schoolId>:<courseId>:<versionId>`. */
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    courseId: { type: String, required: true },
    versionId: { type: String, required: true },
    courseWorkId: { type: String, required: true },
    teacherEmail: { type: String, required: true },
    dueDate: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);
classroomAssignmentSchema.index({ schoolId: 1, versionId: 1 });

/** The last roster read from Classroom for one course (a cache rebuilt on every sync; last writer wins). */
export const classroomRosterSchema = new Schema(
  {
    /** `<schoolId>:<courseId>`. */
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    courseId: { type: String, required: true },
    students: { type: [{ userId: String, email: String, _id: false }], default: [] },
    /** The last problem talking to Classroom about this course, in words; null after a good sync. */
    lastError: { type: String, default: null },
    syncedAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

/** A stored Classroom assignment. */
export type ClassroomAssignment = InferSchemaType<typeof classroomAssignmentSchema> & { _id: string };
/** A stored course roster. */
export type ClassroomRoster = InferSchemaType<typeof classroomRosterSchema> & { _id: string };
