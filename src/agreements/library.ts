import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ErrorCode, LanternError } from '../errors.js';
import { AudienceSchema } from './audience.js';

/** The folder of Markdown policy templates the school edits (front matter + body). */
export const POLICIES_DIR = fileURLToPath(new URL('../../policies/', import.meta.url));

const FrontMatterSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,47}$/, { error: 'must be lower-case letters, digits and hyphens, e.g. staff-aua' }),
  title: z.string().min(1, { error: 'give the policy a title' }),
  kind: z.enum(['agreement', 'consent', 'questionnaire'], { error: 'must be agreement, consent or questionnaire' }),
  summary: z.string().min(1, { error: 'write a one-sentence summary shown on the card' }),
  audience: AudienceSchema,
  owner: z.string().email({ error: 'must be the email of the person who answers questions about this policy' }),
  yearly: z.boolean().default(false),
  reviewMonths: z.number().int().min(1).max(60).default(12),
  questions: z.array(z.string().min(1)).optional(),
});

/** A policy template as read from its Markdown file. */
export type PolicyTemplate = z.infer<typeof FrontMatterSchema> & { body: string; file: string };

/** Parses one template file: YAML front matter between `---` lines, then the Markdown body. */
export function parsePolicyTemplate(text: string, file: string): PolicyTemplate {
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
  if (!match) throw new LanternError(ErrorCode.AgreementInvalid, `${file} must start with front matter between two "---" lines (id, title, kind, summary, audience, owner).`);
  let raw: unknown;
  try {
    raw = parseYaml(match[1] ?? '');
  } catch (err) {
    throw new LanternError(ErrorCode.AgreementInvalid, `${file}: the front matter is not valid YAML (${(err as Error).message}).`, { cause: err });
  }
  const parsed = FrontMatterSchema.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(front matter)'}: ${i.message}`);
    throw new LanternError(ErrorCode.AgreementInvalid, `${file}: ${details.join('; ')}`, { details });
  }
  const body = (match[2] ?? '').trim();
  if (!body) throw new LanternError(ErrorCode.AgreementInvalid, `${file}: the policy text after the front matter is empty.`);
  if (parsed.data.kind === 'questionnaire' && !parsed.data.questions?.length) {
    throw new LanternError(ErrorCode.AgreementInvalid, `${file}: a questionnaire needs a "questions" list in its front matter.`);
  }
  return { ...parsed.data, body, file };
}

/** Reads every `*.md` template in `dir`, sorted by id; refuses duplicate ids. */
export function loadPolicyLibrary(dir: string = POLICIES_DIR): PolicyTemplate[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md').sort();
  const templates = files.map((f) => parsePolicyTemplate(readFileSync(path.join(dir, f), 'utf8'), f));
  const seen = new Set<string>();
  for (const t of templates) {
    if (seen.has(t.id)) throw new LanternError(ErrorCode.AgreementInvalid, `Two policy files use the id "${t.id}"; give each its own id.`);
    seen.add(t.id);
  }
  return templates;
}

/** The template with that id, or a clear error naming the ones there are. */
export function findTemplate(templates: readonly PolicyTemplate[], id: string): PolicyTemplate {
  const t = templates.find((x) => x.id === id);
  if (!t) throw new LanternError(ErrorCode.AgreementNotFound, `There is no policy "${id}" in the library. Known: ${templates.map((x) => x.id).join(', ')}.`);
  return t;
}
