import { Schema, type InferSchemaType } from 'mongoose';

/** Where a parent–pupil link came from: the school's directory (childrenIds), a MIS CSV export, or the config file. */
export const LINK_SOURCES = ['directory', 'csv', 'config'] as const;
export type LinkSource = (typeof LINK_SOURCES)[number];

/** One parent (or carer) responsible for one pupil. A parent of two children has two links. */
export const parentLinkSchema = new Schema(
  {
    schoolId: { type: String, required: true },
    parentId: { type: String, required: true },
    pupilId: { type: String, required: true },
    /** Where to send the consent link; copied from the directory or the MIS export. */
    email: { type: String, lowercase: true, trim: true, required: true },
    parentName: { type: String, required: true },
    source: { type: String, enum: LINK_SOURCES, required: true },
    active: { type: Boolean, default: true },
  },
  { timestamps: true, strict: 'throw' },
);
parentLinkSchema.index({ schoolId: 1, parentId: 1, pupilId: 1 }, { unique: true });
parentLinkSchema.index({ schoolId: 1, pupilId: 1 });

/** A parent–pupil link as stored. */
export type ParentLink = InferSchemaType<typeof parentLinkSchema>;
