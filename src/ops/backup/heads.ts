import type mongoose from 'mongoose';
import type { IntegrityHeads } from './format.js';

type Db = mongoose.mongo.Db;
type Doc = Record<string, unknown>;

/**
 * What a backup reads before anything else: each case document as it stands (its `version` is its timeline's
 * length), each school's signature chain tail, monitoring change-log tail and parents' consent chain tail. The chained collections are then
 * copied only up to these heads, so a backup taken while Lantern runs still verifies: records appended after
 * this moment are left for the next backup. Chain head caches are read before the tails they may lag behind.
 */
export async function readIntegrityHeads(db: Db): Promise<{ heads: IntegrityHeads; cases: Doc[]; chainHeads: Doc[] }> {
  const chainHeads = await db.collection('agreement_chain_heads').find({}).toArray();
  const cases = await db.collection('cases').find({}).toArray();
  const heads: IntegrityHeads = { cases: {}, signatures: {}, monitoringChanges: {}, consents: {} };
  for (const c of cases) {
    const caseId = String(c.caseId);
    const entry = await db.collection('case_timeline').findOne({ caseId, seq: c.version }, { projection: { hash: 1 } });
    heads.cases[caseId] = { seq: Number(c.version), hash: String(entry?.hash ?? '') };
  }
  for await (const s of db.collection('agreement_signatures').find({}, { projection: { schoolId: 1, seq: 1, hash: 1 } }).sort({ schoolId: 1, seq: 1 })) {
    heads.signatures[String(s.schoolId)] = { seq: Number(s.seq), hash: String(s.hash) };
  }
  for await (const m of db.collection('monitoring_changes').find({}, { projection: { schoolId: 1, seq: 1 } }).sort({ schoolId: 1, seq: 1 })) {
    heads.monitoringChanges[String(m.schoolId)] = { seq: Number(m.seq) };
  }
  const consents: Record<string, { seq: number; hash: string }> = {};
  for await (const a of db.collection('parent_consents').find({ chainSeq: { $gte: 1 } }, { projection: { schoolId: 1, chainSeq: 1, hash: 1 } }).sort({ schoolId: 1, chainSeq: 1 })) {
    consents[String(a.schoolId)] = { seq: Number(a.chainSeq), hash: String(a.hash) };
  }
  heads.consents = consents;
  return { heads, cases, chainHeads };
}

/** Whether a document of a chained collection lies within the heads (other collections: always). */
export function withinHeads(heads: IntegrityHeads, collection: string, doc: Doc): boolean {
  const seq = Number(doc.seq);
  if (collection === 'case_timeline') return seq <= (heads.cases[String(doc.caseId)]?.seq ?? 0);
  if (collection === 'agreement_signatures') return seq <= (heads.signatures[String(doc.schoolId)]?.seq ?? 0);
  if (collection === 'monitoring_changes') return seq <= (heads.monitoringChanges[String(doc.schoolId)]?.seq ?? 0);
  // Answers stored before the consent chain existed have no position and are always copied.
  if (collection === 'parent_consents' && heads.consents && doc.chainSeq !== undefined && doc.chainSeq !== null) return Number(doc.chainSeq) <= (heads.consents[String(doc.schoolId)]?.seq ?? 0);
  return true;
}

/** Checks each school's monitoring change log runs 1…head without gaps; returns one line per problem. */
export async function checkChangeLogs(db: Db, heads: IntegrityHeads): Promise<string[]> {
  const problems: string[] = [];
  for (const [schoolId, head] of Object.entries(heads.monitoringChanges)) {
    const seqs = (await db.collection('monitoring_changes').find({ schoolId }, { projection: { seq: 1 } }).sort({ seq: 1 }).toArray()).map((d) => Number(d.seq));
    const gap = seqs.findIndex((s, i) => s !== i + 1);
    if (gap >= 0) problems.push(`${schoolId}: monitoring change ${gap + 1} is missing`);
    else if (seqs.length !== head.seq) problems.push(`${schoolId}: the monitoring change log ends at ${seqs.length}, the backup recorded ${head.seq}`);
  }
  return problems;
}

/** Compares the restored chains' last records with the heads the archive recorded; returns one line per difference. */
export async function compareHeads(db: Db, recorded: IntegrityHeads): Promise<string[]> {
  const { heads: now } = await readIntegrityHeads(db);
  const problems: string[] = [];
  for (const [kind, label] of [['cases', 'case timeline'], ['signatures', 'signature chain'], ['monitoringChanges', 'monitoring change log'], ['consents', "parents' consent chain"]] as const) {
    if (!recorded[kind]) continue; // an archive made before that chain existed
    const before = recorded[kind] as Record<string, { seq: number; hash?: string }>;
    const after = (now[kind] ?? {}) as Record<string, { seq: number; hash?: string }>;
    for (const id of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const b = before[id];
      const a = after[id];
      if (!b || !a || a.seq !== b.seq || a.hash !== b.hash) problems.push(`${label} ${id}: ends at ${a ? a.seq : 'nothing'} but the backup recorded ${b ? b.seq : 'nothing'}`);
    }
  }
  return problems;
}
