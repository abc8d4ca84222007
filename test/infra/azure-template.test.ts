import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { ENV_KEYS, loadConfig } from '../../src/config/load.js';
import { testMongoUri } from '../support/db.js';
import { spawnLantern } from '../support/spawn-lantern.js';

// No Bicep compiler can be installed from the registries this project builds from, so the template is checked
// here: parsed with the Bicep grammar (tree-sitter-bicep), every name resolved, and its contract with the
// container (environment variables, mounts, port, probes) checked against the code — and Lantern started
// with exactly the settings the template gives the container.

const repo = path.resolve(import.meta.dirname, '../..');
const templateFile = path.join(repo, 'infra/azure/main.bicep');
const source = readFileSync(templateFile, 'utf8');

/** Bicep's own functions and decorators the template may call; anything else must be a declared symbol. */
const BICEP_FUNCTIONS = new Set([
  'concat', 'description', 'empty', 'guid', 'json', 'maxLength', 'minLength', 'allowed', 'resourceGroup', 'secure',
  'string', 'subscription', 'subscriptionResourceId', 'take', 'uniqueString', 'uriComponent',
]);

/** The resource API versions used, each a generally available one (no previews in a school's production). */
const API_VERSIONS: Record<string, string> = {
  'Microsoft.OperationalInsights/workspaces': '2023-09-01',
  'Microsoft.ManagedIdentity/userAssignedIdentities': '2023-01-31',
  'Microsoft.KeyVault/vaults': '2023-07-01',
  'Microsoft.KeyVault/vaults/secrets': '2023-07-01',
  'Microsoft.Authorization/roleAssignments': '2022-04-01',
  'Microsoft.DocumentDB/mongoClusters': '2024-07-01',
  'Microsoft.DocumentDB/mongoClusters/firewallRules': '2024-07-01',
  'Microsoft.App/managedEnvironments': '2024-03-01',
  'Microsoft.App/containerApps': '2024-03-01',
  'Microsoft.BotService/botServices': '2022-09-15',
  'Microsoft.BotService/botServices/channels': '2022-09-15',
};

type Value = string | number | boolean | Value[] | { [key: string]: Value } | { expr: string };

let root: Node;

function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  for (const child of node.children) if (child) walk(child, visit);
}

function unquote(node: Node): string {
  return node.text.replace(/^'|'$/g, '');
}

/** A literal object/array/string/number becomes a value; anything computed stays as its source text. */
function evaluate(node: Node): Value {
  switch (node.type) {
    case 'string':
      return node.children.some((c) => c?.type === 'interpolation') ? { expr: node.text } : unquote(node);
    case 'number':
      return Number(node.text);
    case 'boolean':
      return node.text === 'true';
    case 'array':
      return node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').map(evaluate);
    case 'object': {
      const out: Record<string, Value> = {};
      for (const prop of node.namedChildren) {
        if (!prop || prop.type !== 'object_property') continue;
        const [key, value] = prop.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
        out[key!.type === 'string' ? unquote(key!) : key!.text] = evaluate(value!);
      }
      return out;
    }
    default:
      return { expr: node.text };
  }
}

function declarations(type: string): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const node of root.namedChildren) {
    if (node?.type !== type) continue;
    const name = node.namedChildren.find((c) => c?.type === 'identifier');
    out.set(name!.text, node);
  }
  return out;
}

function variable(name: string): Value {
  const decl = declarations('variable_declaration').get(name);
  if (!decl) throw new Error(`no var ${name}`);
  return evaluate(decl.namedChildren.at(-1)!);
}

/** The literal items of `concat(a, b, …)`, `[…]` or a var holding them; `cond ? […] : []` contributes its true branch. */
function items(node: Node | Value): Value[] {
  if (!(node && typeof node === 'object' && 'type' in node)) return Array.isArray(node) ? node : [];
  const n = node as Node;
  if (n.type === 'array') return evaluate(n) as Value[];
  if (n.type === 'identifier') {
    const decl = declarations('variable_declaration').get(n.text);
    return decl ? items(decl.namedChildren.at(-1)!) : [];
  }
  if (n.type === 'ternary_expression') return items(n.namedChildren[1]!);
  if (n.type === 'parenthesized_expression') return items(n.namedChildren[0]!);
  if (n.type === 'call_expression' && n.namedChildren[0]?.text === 'concat') {
    return n.namedChildren[1]!.namedChildren.flatMap((arg) => (arg ? items(arg) : []));
  }
  return [];
}

/** The syntax node of a property path inside a resource body, e.g. ['properties', 'template', 'containers']. */
function propertyNode(resource: string, keys: string[]): Node {
  const decl = declarations('resource_declaration').get(resource);
  let node: Node | undefined = decl?.namedChildren.find((c) => c?.type === 'object') ?? undefined;
  for (const key of keys) {
    const prop = node?.namedChildren.find((c) => c?.type === 'object_property' && c.namedChildren[0]?.text === key);
    if (!prop) throw new Error(`${resource} has no ${keys.join('.')}`);
    node = prop.namedChildren.at(-1) ?? undefined;
  }
  return node!;
}

const container = (): Record<string, Value> => items(propertyNode('app', ['properties', 'template', 'containers']))[0] as Record<string, Value>;
const env = (): Array<{ name: string; value?: Value; secretRef?: string }> => {
  const containers = propertyNode('app', ['properties', 'template', 'containers']);
  const first = containers.namedChildren.find((c) => c?.type === 'object')!;
  const envNode = first.namedChildren.find((c) => c?.type === 'object_property' && c.namedChildren[0]?.text === 'env')!.namedChildren.at(-1)!;
  return items(envNode) as Array<{ name: string; value?: Value; secretRef?: string }>;
};

beforeAll(async () => {
  await Parser.init();
  const require = createRequire(import.meta.url);
  const language = await Language.load(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm'));
  const parser = new Parser();
  parser.setLanguage(language);
  root = parser.parse(source)!.rootNode;
});

describe('infra/azure/main.bicep', () => {
  it('is valid Bicep syntax', () => {
    const errors: string[] = [];
    walk(root, (n) => {
      if (n.type === 'ERROR' || n.isMissing) errors.push(`line ${n.startPosition.row + 1}: ${n.text.slice(0, 60)}`);
    });
    expect(errors).toEqual([]);
  });

  it('names only declared symbols and Bicep functions', () => {
    const declared = new Set([
      ...declarations('parameter_declaration').keys(),
      ...declarations('variable_declaration').keys(),
      ...declarations('resource_declaration').keys(),
    ]);
    const unknown: string[] = [];
    walk(root, (n) => {
      if (n.type !== 'identifier') return;
      const parent = n.parent!;
      const isName = ['parameter_declaration', 'variable_declaration', 'resource_declaration', 'output_declaration'].includes(parent.type) && parent.namedChildren.find((c) => c?.type === 'identifier')?.id === n.id;
      const isKey = parent.type === 'object_property' && parent.namedChildren[0]?.id === n.id;
      const isCall = parent.type === 'call_expression' && parent.namedChildren[0]?.id === n.id;
      if (isName || isKey) return;
      if (isCall ? !BICEP_FUNCTIONS.has(n.text) && !declared.has(n.text) : !declared.has(n.text)) unknown.push(`${n.text} (line ${n.startPosition.row + 1})`);
    });
    expect(unknown).toEqual([]);
  });

  it('uses generally available API versions', () => {
    const used: Record<string, string> = {};
    for (const decl of declarations('resource_declaration').values()) {
      const [type, version] = unquote(decl.namedChildren.find((c) => c?.type === 'string')!).split('@');
      used[type!] = version!;
    }
    expect(used).toEqual(API_VERSIONS);
    expect(Object.values(used).some((v) => v.includes('preview'))).toBe(false);
  });

  it('gives the container only settings Lantern reads, each secret from Key Vault', () => {
    const known = new Set<string>([...Object.values(ENV_KEYS)]);
    const names = env().map((e) => e.name);
    expect(names.filter((n) => !known.has(n))).toEqual([]);
    for (const must of ['MONGODB_URI', 'LANTERN_CONFIG', 'LANTERN_BOT_APP_SECRET', 'LANTERN_INTEGRITY_KEY', 'LANTERN_PUBLIC_URL', 'LANTERN_HOST', 'PORT']) expect(names).toContain(must);

    const secrets = items(propertyNode('app', ['properties', 'configuration', 'secrets'])) as Array<Record<string, Value>>;
    const secretNames = secrets.map((s) => s.name as string);
    const vaultSecrets = [...declarations('resource_declaration').values()]
      .filter((d) => d.text.includes("'Microsoft.KeyVault/vaults/secrets@"))
      .map((d) => /\bname: '([^']+)'/.exec(d.text)?.[1]);
    for (const s of secrets) {
      expect(s.identity, `${String(s.name)} is read with the app's identity`).toEqual({ expr: 'identity.id' });
      expect((s.keyVaultUrl as { expr: string }).expr).toBe(`'\${vault.properties.vaultUri}secrets/${String(s.name)}'`);
      expect(vaultSecrets).toContain(s.name);
    }
    // Secret values never appear as plain env values.
    for (const e of env()) {
      if (e.secretRef) expect(secretNames).toContain(e.secretRef);
      if (['MONGODB_URI', 'LANTERN_BOT_APP_SECRET', 'LANTERN_INTEGRITY_KEY', 'LANTERN_MS_CLIENT_SECRET'].includes(e.name)) expect(e.secretRef, e.name).toBeDefined();
    }
    for (const decl of declarations('parameter_declaration').values()) {
      if (/Secret|Password|Key\b|Uri|Yaml|integrityKey|ServiceAccountKey/.test(decl.namedChildren.find((c) => c?.type === 'identifier')!.text)) {
        const decorators = decl.previousNamedSibling?.type === 'decorators' ? decl.previousNamedSibling.text : '';
        expect(decorators, `${decl.text} is @secure()`).toMatch(/@secure\(\)/);
      }
    }
  });

  it('mounts the config where LANTERN_CONFIG points and probes the routes Lantern serves on the port it listens on', () => {
    const byName = Object.fromEntries(env().map((e) => [e.name, e.value]));
    const configMount = variable('configMount') as string;
    expect(byName.LANTERN_CONFIG).toEqual({ expr: "'${configMount}/lantern.config.yaml'" });
    const volumes = items(propertyNode('app', ['properties', 'template', 'volumes'])) as Array<{ name: string; secrets: Array<{ secretRef: string; path: string }> }>;
    expect(volumes.find((v) => v.name === 'config')?.secrets).toEqual([{ secretRef: 'lantern-config', path: 'lantern.config.yaml' }]);
    expect(configMount).toBe('/config');

    const dockerfile = readFileSync(path.join(repo, 'infra/Dockerfile'), 'utf8');
    const port = variable('port');
    expect(dockerfile).toMatch(new RegExp(`PORT=${String(port)}\\b`));
    expect(dockerfile).toMatch(new RegExp(`EXPOSE ${String(port)}\\b`));
    const probes = (container().probes as Array<{ type: string; httpGet: { path: string; port: Value } }>).map((p) => [p.type, p.httpGet.path, p.httpGet.port]);
    expect(probes).toEqual([
      ['Startup', '/healthz', { expr: 'port' }],
      ['Liveness', '/healthz', { expr: 'port' }],
      ['Readiness', '/readyz', { expr: 'port' }],
    ]);
    expect(evaluate(propertyNode('app', ['properties', 'configuration', 'ingress']))).toMatchObject({ external: true, targetPort: { expr: 'port' }, allowInsecure: false });
    expect(evaluate(propertyNode('app', ['properties', 'template', 'scale']))).toEqual({ minReplicas: 1, maxReplicas: 1 });
  });

  it("the example parameters name only the template's parameters, and their config is one Lantern accepts", () => {
    const example = JSON.parse(readFileSync(path.join(repo, 'infra/azure/main.parameters.example.json'), 'utf8')) as { parameters: Record<string, { value: unknown }> };
    const params = declarations('parameter_declaration');
    expect(Object.keys(example.parameters).filter((k) => !params.has(k))).toEqual([]);
    const required = [...params].filter(([, d]) => !d.text.includes('=')).map(([n]) => n);
    const onCommandLine = ['botAppSecret', 'integrityKey'];
    expect(required.filter((n) => !(n in example.parameters) && !onCommandLine.includes(n))).toEqual([]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-azure-example-'));
    try {
      writeFileSync(path.join(dir, 'lantern.config.yaml'), example.parameters.lanternConfigYaml!.value as string);
      const config = loadConfig({ file: path.join(dir, 'lantern.config.yaml'), env: { LANTERN_BOT_APP_SECRET: 'x', LANTERN_PUBLIC_URL: 'https://lantern-app.example.uksouth.azurecontainerapps.io', LANTERN_INTEGRITY_KEY: 'a'.repeat(64) }, cwd: dir });
      expect(config.server.publicUrl).toBe('https://lantern-app.example.uksouth.azurecontainerapps.io');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Lantern started as the template starts the container', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-azure-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the probe paths with the environment, mounts and secrets the template gives it', async () => {
    const configMount = path.join(dir, 'config');
    const example = JSON.parse(readFileSync(path.join(repo, 'infra/azure/main.parameters.example.json'), 'utf8')) as { parameters: Record<string, { value: string }> };
    mkdirSync(configMount);
    writeFileSync(path.join(configMount, 'lantern.config.yaml'), example.parameters.lanternConfigYaml!.value);
    const secretValues: Record<string, string> = {
      'mongodb-uri': `${testMongoUri().replace(/\/$/, '')}/azure_template_${process.pid}`,
      'bot-app-secret': 'test-secret',
      'integrity-key': 'ab'.repeat(32),
      'ms-client-secret': 'test-ms-secret',
    };
    const secretsMount = path.join(dir, 'secrets');
    mkdirSync(secretsMount);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(path.join(secretsMount, 'google-service-account.json'), JSON.stringify({ type: 'service_account', client_email: 'lantern@northgate.iam.gserviceaccount.com', client_id: '1', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }), token_uri: 'https://oauth2.googleapis.com/token' }));
    const params: Record<string, string | undefined> = { botAppId: example.parameters.botAppId!.value, botTenantId: example.parameters.botTenantId!.value, logLevel: 'warn' };
    const childEnv: Record<string, string> = {};
    for (const e of env()) {
      if (e.secretRef) childEnv[e.name] = secretValues[e.secretRef] ?? '';
      else if (typeof e.value === 'string') childEnv[e.name] = e.value;
      else if (e.value && typeof e.value === 'object' && 'expr' in e.value) {
        const expr = String(e.value.expr);
        if (expr === "'${configMount}/lantern.config.yaml'") childEnv[e.name] = path.join(configMount, 'lantern.config.yaml');
        else if (expr === "'${secretsMount}/google-service-account.json'") childEnv[e.name] = path.join(secretsMount, 'google-service-account.json');
        else if (expr === 'string(port)') childEnv[e.name] = String(variable('port'));
        else if (expr === 'appUrl') childEnv[e.name] = 'https://lantern-app.example.uksouth.azurecontainerapps.io';
        else if (params[expr]) childEnv[e.name] = params[expr];
        else throw new Error(`the test does not know how to give ${e.name} = ${expr}`);
      }
    }
    childEnv.LANTERN_DATA_DIR = path.join(dir, 'data');
    // The container listens on 3978; here a free port stands in for it, on all interfaces as in the container.
    delete childEnv.PORT;
    const server = await spawnLantern(childEnv);
    try {
      expect(childEnv.LANTERN_HOST).toBe('0.0.0.0');
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      // Without a Bot Framework token the messaging endpoint refuses: credentials came from the template's secrets.
      expect((await fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    } finally {
      await server.stop();
    }
  }, 180_000);
});
