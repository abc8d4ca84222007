import { SEVERITIES, type Detection } from '../types.js';
import type { ScanProblem, ScanSummary } from './run-scan.js';

function iso(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** The `--json` line for one detection (the contract other tools rely on; fields are only ever added). */
export function detectionJson(d: Detection): string {
  return JSON.stringify({
    ruleId: d.ruleId,
    family: d.family,
    severity: d.severity,
    category: d.category,
    source: d.source,
    kind: d.kind,
    eventIds: d.eventIds,
    count: d.count,
    firstSeen: iso(d.firstSeen),
    lastSeen: iso(d.lastSeen),
    actor: d.actor,
    ...(d.actorRole ? { actorRole: d.actorRole } : {}),
    ...(d.target !== undefined ? { target: d.target } : {}),
    ...(d.objectId !== undefined ? { objectId: d.objectId } : {}),
    looksLikePupilData: d.looksLikePupilData,
    pupilInvolved: d.pupilInvolved,
    ...(d.adminAccount ? { adminAccount: d.adminAccount } : {}),
    ...(d.mayInvolveIndecentImage ? { doNotView: true } : {}),
    summary: d.summary,
    runbook: d.runbook,
  });
}

function clip(s: string, width: number): string {
  return s.length <= width ? s.padEnd(width) : `${s.slice(0, width - 1)}…`;
}

/** A readable table, most severe first. */
export function detectionTable(detections: readonly Detection[]): string[] {
  if (detections.length === 0) return ['No detections.'];
  const sorted = [...detections].sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) || a.firstSeen - b.firstSeen);
  const lines = [`${'SEVERITY'.padEnd(9)}${'CATEGORY'.padEnd(9)}${'FAMILY'.padEnd(36)}${'COUNT'.padStart(6)}  ${'FIRST SEEN (UTC)'.padEnd(17)}  SUMMARY`];
  for (const d of sorted) {
    const when = iso(d.firstSeen)?.slice(0, 16).replace('T', ' ') ?? 'unknown';
    lines.push(`${clip(d.severity, 9)}${clip(d.category, 9)}${clip(d.family, 36)}${String(d.count).padStart(6)}  ${when.padEnd(17)}  ${d.summary}`);
  }
  return lines;
}

/** One stderr line per problem record. */
export function problemLine(p: ScanProblem): string {
  const what = p.code === 'invalid_json' ? 'skipped' : p.code === 'unknown_kind' ? 'skipped' : 'skipped malformed record';
  return `line ${p.line}: ${what}: ${p.message}`;
}

/** Whole numbers with thousands commas, as en-GB writes them; done by hand because loading ICU's locale data costs each scan ~10 ms of CPU. */
const n = (x: number): string => (Number.isSafeInteger(x) ? String(x).replace(/\B(?=(\d{3})+$)/g, ',') : x.toLocaleString('en-GB'));

const FORMAT_LABEL: Record<ScanSummary['format'], string> = {
  json: 'JSON',
  'purview-csv': 'a Purview audit search export (CSV)',
  'google-export-csv': 'a Google Admin console audit export (CSV)',
};

/** True when the input held something but not one usable record: the scan must not look like a clean result. */
export function nothingReadable(s: ScanSummary): boolean {
  return s.records === 0 && s.invalidJson + s.malformed + s.unknownKind > 0;
}

/** The summary written to stderr at the end of a scan. */
export function summaryLines(s: ScanSummary, inputLabel: string): string[] {
  const secs = s.elapsedMs / 1000;
  const total = s.records + s.malformed + s.unknownKind + s.invalidJson;
  if (total === 0) return [`No records found in ${inputLabel}: the input is empty (or holds only whitespace / an empty list).`];
  const kinds = Object.entries(s.byKind)
    .filter(([, c]) => c > 0)
    .map(([k, c]) => `${k} ${n(c)}`)
    .join(', ');
  const sev = SEVERITIES.slice()
    .reverse()
    .map((v) => `${v} ${s.bySeverity[v]}`)
    .join(', ');
  const lines = [
    `Scanned ${n(s.records)} record(s) from ${inputLabel}${s.format === 'json' ? '' : `, read as ${FORMAT_LABEL[s.format]},`} in ${secs.toFixed(1)} s${secs > 0 ? ` (${n(Math.round(s.records / secs))}/s)` : ''}${kinds ? `: ${kinds}` : ''}.`,
    `${n(s.detections)} detection(s) (${sev}); ${n(s.folded)} repeat(s) folded in; ${n(s.suppressed)} suppressed.`,
  ];
  const skipped = s.invalidJson + s.malformed + s.unknownKind;
  if (skipped > 0) lines.push(`Skipped ${n(skipped)}: ${n(s.invalidJson)} ${s.format === 'json' ? 'not valid JSON' : 'unreadable row(s)'}, ${n(s.malformed)} malformed, ${n(s.unknownKind)} of an unknown kind (see the line numbers above).`);
  if (s.ruleErrors > 0) lines.push(`${n(s.ruleErrors)} rule evaluation(s) failed; this is a bug in Lantern, please report it.`);
  if (nothingReadable(s) && !s.aborted) {
    lines.push(
      `Nothing in ${inputLabel} could be read, so this is not a clean result. Lantern reads JSON / JSON Lines from the Reports API, the Management Activity API or Graph, a Purview audit search export (CSV with an AuditData column), or a Google Admin console audit export (CSV with Date, Event and Actor columns).`,
    );
  }
  if (s.aborted) lines.push(`Stopped at line ${s.aborted.line} because of --strict; no detections were written.`);
  return lines;
}
