import { parse } from 'csv-parse/sync';
import { CHECKLIST_OUTCOMES } from './fnm-model.js';
import { invalid } from './input.js';

/** The points the annual filtering and monitoring review goes through (after the DfE standards); a starting list the school edits. */
export const FNM_CHECKLIST = [
  'Named people are responsible for filtering and monitoring (a senior leader, the DSL, IT and the provider)',
  'The filter blocks harmful and inappropriate content without stopping reasonable teaching and learning',
  'Filtering covers every school device and network, guest Wi-Fi and devices pupils take home',
  'The filtering provider is an IWF member and blocks the police-assessed list of unlawful terrorist content',
  'Monitoring alerts reach the DSL team quickly and are acted on',
  'Staff know how to report a site that is wrongly blocked or should be blocked',
  "The settings reflect the school's own pupils: ages, special needs, devices brought from home",
  'The cyber security standards for schools were checked alongside this review',
] as const;

/** One point of a review's checklist. */
export interface ChecklistItem {
  item: string;
  outcome: (typeof CHECKLIST_OUTCOMES)[number];
  note?: string;
}

/** The checklist as a CSV to fill in (`item,outcome,note`), for `lantern fnm review --template`. */
export function checklistTemplate(): string {
  const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
  return ['item,outcome,note', ...FNM_CHECKLIST.map((item) => `${quote(item)},,`)].join('\n') + '\n';
}

/** Reads a filled-in checklist CSV; one error names every bad line. */
export function parseChecklist(text: string, label: string): ChecklistItem[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  } catch (err) {
    throw invalid(`${label} is not a readable CSV file (${err instanceof Error ? err.message : String(err)}); start from \`lantern fnm review --template\`.`);
  }
  if (rows.length === 0) throw invalid(`${label} has no checklist items; start from \`lantern fnm review --template\`.`);
  if (!('item' in (rows[0] ?? {})) || !('outcome' in (rows[0] ?? {}))) throw invalid(`${label} needs the columns item,outcome,note (a header row); start from \`lantern fnm review --template\`.`);
  const problems: string[] = [];
  const items = rows.flatMap((row, i): ChecklistItem[] => {
    const outcome = (row.outcome ?? '').toLowerCase();
    if (!row.item) problems.push(`line ${i + 2}: the item is empty`);
    else if (!(CHECKLIST_OUTCOMES as readonly string[]).includes(outcome)) problems.push(`line ${i + 2}: outcome "${row.outcome ?? ''}" must be one of ${CHECKLIST_OUTCOMES.join(', ')}`);
    else return [{ item: row.item, outcome: outcome as ChecklistItem['outcome'], ...(row.note ? { note: row.note } : {}) }];
    return [];
  });
  if (problems.length) throw invalid(`${label}: ${problems.join('; ')}.`);
  return items;
}
