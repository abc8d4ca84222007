import { Schema, type InferSchemaType } from 'mongoose';

const SOURCES = ['google', 'microsoft'] as const;

/** One inventory run of one source for one school: when, how far, and what it found. */
export const inventoryRunSchema = new Schema(
  {
    schoolId: { type: String, required: true },
    runId: { type: String, required: true },
    source: { type: String, enum: SOURCES, required: true },
    status: { type: String, enum: ['running', 'done', 'abandoned'], required: true },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date },
    /** Users' drives and sites to walk (known once the list of units is stored). */
    units: { type: Number, default: 0 },
    /** Whether every unit of the run has been listed (a run killed while listing sites lists them again). */
    unitsListed: { type: Boolean, default: false },
  },
  { timestamps: true, strict: 'throw' },
);
inventoryRunSchema.index({ runId: 1 }, { unique: true });
inventoryRunSchema.index({ schoolId: 1, source: 1, startedAt: -1 });

/**
 * One user's Drive or one OneDrive / SharePoint drive in a run, with its checkpoint: the page to read next, so a
 * resumed run neither reads a finished drive again nor loses one.
 */
export const inventoryUnitSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    runId: { type: String, required: true },
    unitId: { type: String, required: true },
    kind: { type: String, enum: ['drive-user', 'onedrive', 'site'], required: true },
    /** The user Lantern acts as (Drive) or whose OneDrive it reads; absent for a site. */
    user: { type: String, lowercase: true, trim: true },
    done: { type: Boolean, default: false },
    /** The next page: a Drive pageToken or a Graph nextLink; absent before the first page. */
    cursor: { type: String },
    pages: { type: Number, default: 0 },
    files: { type: Number, default: 0 },
    exposed: { type: Number, default: 0 },
    /** Why the drive could not be read (an HTTP status), when it could not. */
    error: { type: String },
  },
  { timestamps: true, strict: 'throw' },
);
inventoryUnitSchema.index({ runId: 1, unitId: 1 }, { unique: true });
inventoryUnitSchema.index({ runId: 1, done: 1 });

const shareSchema = new Schema(
  {
    kind: { type: String, enum: ['anyone-with-link', 'external-domain', 'external-user'], required: true },
    role: { type: String, required: true },
    permissionId: { type: String },
    domain: { type: String },
  },
  { _id: false, strict: 'throw' },
);

/**
 * A file shared outside the school, as the latest run saw it: metadata only. Never its title or contents — the
 * title is read for the pupil-data check and dropped; only the yes/no is kept.
 */
export const inventoryItemSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    source: { type: String, enum: SOURCES, required: true },
    fileId: { type: String, required: true },
    driveId: { type: String },
    owner: { type: String, lowercase: true, trim: true, required: true },
    ownerIsPupil: { type: Boolean, required: true },
    sharedWithPupils: { type: Boolean, required: true },
    pupilDataLikely: { type: Boolean, required: true },
    mimeCategory: { type: String, required: true },
    modifiedAt: { type: Date },
    shares: { type: [shareSchema], default: [] },
    kinds: { type: [String], default: [] },
    score: { type: Number, required: true },
    priority: { type: String, enum: ['high', 'medium', 'low'], required: true },
    /** The run that last saw it exposed; the report reads one run's items. */
    runId: { type: String, required: true },
  },
  { timestamps: true, strict: 'throw' },
);
inventoryItemSchema.index({ schoolId: 1, source: 1, fileId: 1 }, { unique: true });
inventoryItemSchema.index({ runId: 1, score: -1 });

/** The `_id` of a stored exposed file: FerretDB finds a document fast only by `_id` alone (docs/mongodb-subset.md). */
export function inventoryItemKey(schoolId: string, source: string, fileId: string): string {
  return `${schoolId}:${source}:${fileId}`;
}

/** The `_id` of a unit of a run, for the same reason. */
export function inventoryUnitKey(runId: string, unitId: string): string {
  return `${runId}:${unitId}`;
}

const fixStepSchema = new Schema({ id: { type: String, required: true }, who: { type: String, required: true }, what: { type: String, required: true } }, { _id: false, strict: 'throw' });
const fixResultSchema = new Schema({ id: { type: String, required: true }, status: { type: Number, required: true }, error: { type: String } }, { _id: false, strict: 'throw' });

/**
 * The dry run of a fix to one exposed file: exactly what would be removed, and who asked. `_id` is
 * `<requestId>:<item _id>`; one dry run of several files shares a request id, approved together.
 */
export const inventoryFixSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    requestId: { type: String, required: true },
    itemId: { type: String, required: true },
    source: { type: String, enum: SOURCES, required: true },
    kind: { type: String, enum: ['remove-public-link', 'remove-external-access'], required: true },
    requestedBy: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    steps: { type: [fixStepSchema], default: [] },
  },
  { timestamps: true, strict: 'throw' },
);
inventoryFixSchema.index({ schoolId: 1, requestId: 1 });

/**
 * The approval of one fix, with what Google or Microsoft answered. Inserted under the fix's `_id` before anything
 * changes, so two approvals at once carry a fix out once (a unique insert is atomic on FerretDB too).
 */
export const inventoryFixApprovalSchema = new Schema(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    approvedBy: { type: String, required: true },
    approvedAt: { type: Date, required: true },
    results: { type: [fixResultSchema], default: undefined },
  },
  { timestamps: true, strict: 'throw' },
);

/** A stored exposed file. */
export type StoredInventoryItem = InferSchemaType<typeof inventoryItemSchema>;
