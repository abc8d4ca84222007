import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { ErrorCode, LanternError } from '../errors.js';
import type { PersonInput } from './person.js';
import { ROLES, YEAR_GROUPS } from './roles.js';

const list = z
  .string()
  .optional()
  .transform((v) => (v ? v.split(';').map((s) => s.trim()).filter(Boolean) : undefined));
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const RowSchema = z.object({
  personId: z.string().trim().min(1, { error: 'personId is empty; give every row a stable id from the MIS' }),
  email: z.preprocess(blankToUndefined, z.string().trim().toLowerCase().email({ error: 'email is not an email address' }).optional()),
  displayName: z.string().trim().min(1, { error: 'displayName is empty' }),
  role: z.enum(ROLES, { error: `role must be one of ${ROLES.join(', ')}` }),
  jobTitle: z.preprocess(blankToUndefined, z.string().optional()),
  yearGroup: z.preprocess(blankToUndefined, z.enum(YEAR_GROUPS, { error: `yearGroup must be one of ${YEAR_GROUPS.join(', ')}` }).optional()),
  form: z.preprocess(blankToUndefined, z.string().optional()),
  formsTaught: list,
  childrenIds: list,
  aadObjectId: z.preprocess(blankToUndefined, z.string().optional()),
});

/**
 * Reads a directory CSV (a header row, then one person a row; `formsTaught` and `childrenIds` are
 * `;`-separated). Every bad row is reported with its line number; no partial result is returned.
 */
export function readDirectoryCsv(file: string): PersonInput[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (err) {
    throw new LanternError(ErrorCode.ConfigInvalid, `Cannot read the directory CSV ${file}: ${(err as Error).message}`, { cause: err });
  }
  const people: PersonInput[] = [];
  const problems: string[] = [];
  rows.forEach((row, i) => {
    const parsed = RowSchema.safeParse(row);
    if (parsed.success) {
      const clean = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
      people.push(clean as unknown as PersonInput);
    } else {
      problems.push(`line ${i + 2}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
    }
  });
  if (problems.length > 0) {
    throw new LanternError(ErrorCode.ConfigInvalid, `${file} has ${problems.length} bad row(s):\n  ${problems.slice(0, 20).join('\n  ')}`, {
      details: problems,
    });
  }
  return people;
}
