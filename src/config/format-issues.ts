import type { z } from 'zod';

/** Renders a config path the way a person would write it in the file: schools[0].dsl.members. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** One line per problem: the key, what is wrong, and how to fix it; with its line in the file when `lineOf` finds it. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], lineOf?: (path: readonly PropertyKey[]) => number | undefined): string[] {
  return issues.map((issue) => {
    const line = lineOf?.(issue.path);
    return line === undefined ? describeIssue(issue) : `${describeIssue(issue)} (line ${line})`;
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return `${where}: unknown key ${keys} — check the spelling, or remove it (secrets go in environment variables)`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return `${where}: missing — add it (${issue.message.replace(/^Invalid input: /, '')})`;
  }
  return `${where}: ${issue.message}`;
}
