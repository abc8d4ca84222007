import { createEngine } from '../engine.js';
import { DetectionFolder } from '../fold.js';
import { readRecords, type InputFormat } from '../input/read-records.js';
import { DEFAULT_LIMITS, type SplitterLimits } from '../input/record-splitter.js';
import type { Rule } from '../rule.js';
import type { RuleSettings } from '../settings.js';
import type { Suppression } from '../suppressions.js';
import type { TenantContext } from '../tenant.js';
import { SEVERITIES, type Detection, type RecordKind, type Severity } from '../types.js';

/** A record that could not be used, with the line it starts on. */
export interface ScanProblem {
  line: number;
  code: 'invalid_json' | 'unknown_kind' | 'malformed';
  message: string;
}

/** What the offline scan needs. */
export interface ScanOptions {
  input: AsyncIterable<Buffer | string>;
  tenant: TenantContext;
  rules?: readonly Rule[];
  settings?: RuleSettings;
  suppressions?: readonly Suppression[];
  /** Stop at the first problem record (the scan then reports `aborted`). */
  strict?: boolean;
  now?: () => number;
  limits?: SplitterLimits;
  /** Each folded detection, as soon as it is final. */
  onDetection(detection: Detection): void;
  /** Each problem record (the scan goes on unless `strict`). */
  onProblem?(problem: ScanProblem): void;
}

/** Totals for the summary line. */
export interface ScanSummary {
  /** How the input was read (JSON / JSON Lines, Purview export CSV, Google Admin console export CSV). */
  format: InputFormat;
  records: number;
  byKind: Record<RecordKind, number>;
  invalidJson: number;
  malformed: number;
  unknownKind: number;
  detections: number;
  bySeverity: Record<Severity, number>;
  /** Raw detections folded into an earlier one (repeats of the same object within the window). */
  folded: number;
  suppressed: number;
  ruleErrors: number;
  /** Set when `strict` stopped the scan. */
  aborted?: ScanProblem;
  elapsedMs: number;
}

class StrictStop extends Error {
  constructor(readonly problem: ScanProblem) {
    super(problem.message);
  }
}

/**
 * The offline scan (B7): streams records from `input` through the same engine the connectors use, folds
 * repeats, and reports problems by line. Memory stays flat: records are never collected.
 */
export async function runScan(options: ScanOptions): Promise<ScanSummary> {
  const started = process.hrtime.bigint();
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let emitted = 0;
  let invalidJson = 0;
  const folder = new DetectionFolder({
    windowMs: (ruleId) => foldWindows.get(ruleId) ?? 0,
    onEmit: (d) => {
      emitted++;
      bySeverity[d.severity]++;
      options.onDetection(d);
    },
  });
  const engine = createEngine({
    tenant: options.tenant,
    ...(options.rules ? { rules: options.rules } : {}),
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.suppressions ? { suppressions: options.suppressions } : {}),
    ...(options.now ? { now: options.now } : {}),
    onDetection: (d) => folder.add(d),
  });
  const foldWindows = new Map(engine.rules.map((r) => [r.rule.id, r.foldWindowMs]));

  const report = (problem: ScanProblem): void => {
    if (options.strict) throw new StrictStop(problem);
    options.onProblem?.(problem);
  };
  let aborted: ScanProblem | undefined;
  let format: InputFormat = 'json';
  try {
    format = await readRecords(
      options.input,
      {
        record(value, line) {
          const problem = engine.process(value);
          if (problem) report({ line, code: problem.code, message: problem.message });
        },
        problem(line, message) {
          invalidJson++;
          report({ line, code: 'invalid_json', message });
        },
      },
      options.limits ?? DEFAULT_LIMITS,
    );
  } catch (err) {
    if (!(err instanceof StrictStop)) throw err;
    aborted = err.problem;
    if (err.problem.code === 'invalid_json') invalidJson++;
  }
  if (!aborted) folder.flush();
  const s = engine.stats;
  return {
    format,
    records: s.records,
    byKind: { ...s.byKind },
    invalidJson,
    malformed: s.malformed,
    unknownKind: s.unknownKind,
    detections: emitted,
    bySeverity,
    folded: folder.folded,
    suppressed: s.suppressed,
    ruleErrors: s.ruleErrors,
    ...(aborted ? { aborted } : {}),
    elapsedMs: Number(process.hrtime.bigint() - started) / 1e6,
  };
}
