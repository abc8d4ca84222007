import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { GOOGLE_SCOPES } from '../../src/google/scopes.js';
import { MICROSOFT_PERMISSIONS } from '../../src/microsoft/permissions.js';
import { PERMISSIONS_BEGIN, PERMISSIONS_END, permissionsMarkdown } from '../../src/ops/permissions-table.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/** Every string and template literal in a file, with `{}` for each `${…}`. */
function literals(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) found.push(node.text);
    else if (ts.isTemplateExpression(node)) found.push(node.head.text + node.templateSpans.map((s) => `{}${s.literal.text}`).join(''));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Top-level resources of Microsoft Graph v1.0 and the Management Activity API: a literal starting with one is a call. */
const RESOURCE = /^\/(users|groups|sites|drives|drive|me|auditLogs|security|teamwork|chats|teams|subscriptions|directoryRoles|directory|directoryObjects|identity|identityProtection|servicePrincipals|applications|reports|roleManagement|deviceManagement|appCatalogs|admin|communications|education|organization|domains|invitations|policies|informationProtection|activity|contacts|solutions)(?=[/:?]|$)/;
/** Files that speak to Microsoft's APIs name one of their roots. */
const CALLS_MICROSOFT = /graphUrl|GRAPH_URL|manageUrl|MANAGE_URL|graph\.microsoft\.com|manage\.office\.com/;

/** The API path a literal calls: the root variable, the Management API's `/api/v1.0/{tenant}` and the query dropped. */
function apiPath(literal: string): string | null {
  let p = literal.split('?')[0] ?? '';
  p = p.replace(/^(\{\})+/, '').replace(/^.*\/api\/v1\.0\/\{\}/, '');
  // A relative path ('auditLogs/signIns') joined to the root later; a single word is not a call.
  if (!p.startsWith('/') && /^[A-Za-z]+\/[A-Za-z]/.test(p) && RESOURCE.test(`/${p}`)) p = `/${p}`;
  return RESOURCE.test(p) ? p.replace(/\/+$/, '') : null;
}

/** (file, path) for each Graph or Management API call in src/. */
function microsoftCalls(): { file: string; path: string }[] {
  return sourceFiles('src')
    .filter((f) => !f.startsWith('src/config/') && f !== 'src/microsoft/permissions.ts' && CALLS_MICROSOFT.test(readFileSync(path.join(ROOT, f), 'utf8')))
    .flatMap((file) => literals(file).flatMap((l) => (apiPath(l) ? [{ file, path: apiPath(l) as string }] : [])));
}

describe('permissions as code', () => {
  it('every Graph and Management API path the code calls is declared with its permission, by the module that calls it', () => {
    const calls = microsoftCalls();
    expect(calls.length).toBeGreaterThan(10);
    const undeclared = calls.filter(
      (c) => !MICROSOFT_PERMISSIONS.some((p) => p.endpoints.includes(c.path) && (p.usedIn === c.file || c.file.startsWith('src/ops/doctor/'))),
    );
    expect(undeclared, 'add the path to a row of src/microsoft/permissions.ts (and its permission)').toEqual([]);
  });

  it('every declared path is still called from its module (no permission asked for nothing)', () => {
    const calls = microsoftCalls();
    const stale = MICROSOFT_PERMISSIONS.flatMap((p) => p.endpoints.filter((e) => !calls.some((c) => (c.file === p.usedIn || c.file.startsWith('src/ops/doctor/')) && c.path === e)).map((e) => `${p.permission} ${e}`));
    expect(stale).toEqual([]);
  });

  it('recognises a new call: a Graph incidents read without a declared permission would fail', () => {
    expect(apiPath('{}/security/incidents?$top=50')).toBe('/security/incidents');
    expect(apiPath('{}/api/v1.0/{}/activity/feed/subscriptions/list?PublisherIdentifier={}')).toBe('/activity/feed/subscriptions/list');
    expect(MICROSOFT_PERMISSIONS.some((p) => p.endpoints.includes('/security/incidents'))).toBe(false);
    expect(apiPath('/dashboard/northgate')).toBeNull();
  });

  it('every googleapis API the code imports has its delegated scopes declared, and every declared API is used', () => {
    const imported = new Set(
      sourceFiles('src').flatMap((f) => [...readFileSync(path.join(ROOT, f), 'utf8').matchAll(/googleapis\/build\/src\/apis\/([a-z0-9_]+\/[a-z0-9_]+)\.js/g)].map((m) => m[1] as string)),
    );
    const declared = new Set<string>(Object.values(GOOGLE_SCOPES).map((s) => s.api));
    expect([...imported].filter((api) => !declared.has(api))).toEqual([]);
    expect([...declared].filter((api) => !imported.has(api))).toEqual([]);
    // Scopes are asked for only through the table, never spelled out elsewhere (rule samples and synthetic
    // audit events quote scopes as data).
    const spelled = sourceFiles('src').filter(
      (f) => !f.endsWith('google/scopes.ts') && !f.includes('/monitoring/rules/') && !f.startsWith('src/bench/') && literals(f).some((l) => /^https:\/\/www\.googleapis\.com\/auth\/[a-z]/.test(l)),
    );
    expect(spelled).toEqual([]);
  });

  it("README's permission tables are the generated ones", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf(PERMISSIONS_BEGIN);
    const end = readme.indexOf(PERMISSIONS_END);
    expect(start, `README.md needs the ${PERMISSIONS_BEGIN} marker`).toBeGreaterThan(0);
    expect(readme.slice(start + PERMISSIONS_BEGIN.length, end).trim(), 'paste the output of `lantern permissions` between the markers').toBe(permissionsMarkdown());
  });
});
