import type { RecordSink } from './record-splitter.js';

/**
 * The Purview audit search "Export results" CSV: new portal columns RecordId, CreationDate, RecordType,
 * Operation, UserId, AuditData, AssociatedAdminUnits, AssociatedAdminUnitsNames; the classic export and
 * Search-UnifiedAuditLog give CreationDate, UserIds, Operations, AuditData. AuditData holds the whole Office
 * 365 Management Activity record as JSON, so that cell alone is the record.
 */
export function isPurviewHeader(header: readonly string[]): boolean {
  return header.includes('auditdata');
}

/** Turns each data row of a Purview export into its AuditData record. */
export function purviewRows(header: readonly string[], sink: RecordSink): (cells: string[], line: number) => void {
  const column = header.indexOf('auditdata');
  return (cells, line) => {
    const cell = cells[column];
    if (cell === undefined || cell.trim() === '') {
      sink.problem(line, `the row has no AuditData cell (${cells.length} of ${header.length} columns)`);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(cell);
    } catch (err) {
      sink.problem(line, `AuditData is not valid JSON: ${(err instanceof Error ? err.message : String(err)).slice(0, 120)}`);
      return;
    }
    sink.record(value, line);
  };
}
