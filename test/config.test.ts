import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { ErrorCode, isLanternError, LanternError } from '../src/errors.js';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '..');
const example = path.join(repo, 'examples/lantern.config.yaml');

function tempFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'lantern-config-')), name);
  writeFileSync(file, text);
  return file;
}

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    if (isLanternError(err, ErrorCode.ConfigInvalid)) return err.details;
    throw err;
  }
  throw new Error('expected a config error');
}

describe('loadConfig', () => {
  it('runs the demo school when no file is given, with loopback and no credentials', () => {
    const config = loadConfig({ env: {}, cwd: os.tmpdir() });
    expect(config.mode).toBe('demo');
    expect(config.schools[0]?.name).toBe('Northgate Primary');
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.bot).toBeNull();
    expect(Object.isFrozen(config.schools[0]?.dsl.members)).toBe(true);
  });

  it('loads the example trust with secrets from the environment and resolves CSV paths from the file', () => {
    const config = loadConfig({ file: example, env: { LANTERN_BOT_APP_SECRET: 's3cret', PORT: '4100' }, cwd: os.tmpdir() });
    expect(config.trust?.name).toBe('Northshire Learning Trust');
    expect(config.schools.map((s) => s.id)).toEqual(['northgate', 'riverside']);
    expect(config.schools[1]?.timezone).toBe('Europe/London');
    expect(config.schools[1]?.caseNumberPrefix).toBe('RIVERS');
    expect(config.server.port).toBe(4100);
    expect(config.bot?.appSecret).toBe('s3cret');
    const dir = config.schools[0]?.directory;
    expect(dir?.source === 'csv' && dir.file).toBe(path.join(repo, 'examples/northgate-directory.csv'));
  });

  it('names every bad key and how to fix it', () => {
    const text = readFileSync(example, 'utf8')
      .replace('timezone: Europe/London', 'timezone: Europe/Londn')
      .replace('ownDomains: [riverside.example]', 'ownDomian: [riverside.example]')
      .replace('caseNumberPrefix: NGP', 'caseNumberPrefix: ngp-1')
      .replace('- { email: p.ahmed@riverside.example, role: dsl }', '- { email: not-an-address, role: boss }');
    const problems = problemsOf(() => loadConfig({ file: tempFile('bad.yaml', text), env: { LANTERN_BOT_APP_SECRET: 'x' } }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^schools\[0\]\.timezone: .*Europe\/London/),
        expect.stringMatching(/^schools\[0\]\.caseNumberPrefix: must be 2–6 capital letters/),
        expect.stringMatching(/^schools\[1\]\.ownDomains: missing/),
        expect.stringMatching(/^schools\[1\]: unknown key "ownDomian"/),
        expect.stringMatching(/^schools\[1\]\.dsl\.members\[0\]\.email: must be an email address/),
        expect.stringMatching(/^schools\[1\]\.dsl\.members\[0\]\.role: must be one of dsl, deputy, member/),
      ]),
    );
  });

  it('rejects duplicate school ids and a domain claimed by two schools', () => {
    const text = readFileSync(example, 'utf8').replace('id: riverside', 'id: northgate').replace('[riverside.example]', '[northgate.example]');
    const problems = problemsOf(() => loadConfig({ file: tempFile('dup.yaml', text), env: { LANTERN_BOT_APP_SECRET: 'x' } }));
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^schools\[1\]\.id: duplicates schools\[0\]\.id/), expect.stringMatching(/^schools\[1\]\.ownDomains\[0\]: northgate\.example already belongs/)]),
    );
  });

  it('reports YAML syntax errors with the line and a missing bot secret by its variable', () => {
    const broken = tempFile('syntax.yaml', 'schools:\n  - id: x\n   name: [unclosed\n');
    expect(() => loadConfig({ file: broken, env: {} })).toThrowError(/syntax\.yaml is not valid YAML at line \d/);
    const problems = problemsOf(() => loadConfig({ file: example, env: {} }));
    expect(problems[0]).toMatch(/^LANTERN_BOT_APP_SECRET: is missing/);
    expect(() => loadConfig({ env: { PORT: 'eighty' } })).toThrowError(LanternError);
    expect(() => loadConfig({ file: '/nonexistent/lantern.yaml', env: {} })).toThrowError(/Cannot read the config file/);
  });

  it('keeps the unsigned-accounts group in Google or Entra only, an Entra one by object id', () => {
    const school = (id: string, directory: string) => `  - id: ${id}
    name: School ${id}
    ownDomains: [${id}.example]
    dsl: { members: [{ email: dsl@${id}.example, role: dsl }], channel: { teamId: t, channelId: c } }
    microsoft: { tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47 }
    directory: ${directory}
    agreements: { unsigned: { group: unsigned@${id}.example, it: [sam@${id}.example] } }
`;
    const text = `schools:\n${school('csvschool', '{ source: csv, file: people.csv }')}${school('entraschool', '{ source: entra, rules: [{ group: Staff, role: staff }] }')}`;
    const problems = problemsOf(() => loadConfig({ file: tempFile('group.yaml', text), env: {} }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^schools\[0\]\.agreements\.unsigned\.group: the unsigned-accounts group is kept in Google Workspace or Entra/),
        expect.stringMatching(/^schools\[1\]\.agreements\.unsigned\.group: must be the Entra group's object id/),
      ]),
    );
  });

  it('refuses IT and escalation emails without a sender mailbox, naming the key', () => {
    const text = `schools:
  - id: ngp
    name: Northgate
    ownDomains: [ngp.example]
    dsl: { members: [{ email: dsl@ngp.example, role: dsl }], channel: { teamId: t, channelId: c } }
    it: { members: [{ email: it@ngp.example }], email: it-team@ngp.example }
    cases: { escalationLadder: [{ email: head@ngp.example, role: head teacher, by: email }] }
`;
    expect(problemsOf(() => loadConfig({ file: tempFile('mail.yaml', text), env: {} }))).toEqual(expect.arrayContaining([
      expect.stringMatching(/^schools\[0\]\.it\.email: IT notices are sent from the school’s sender mailbox/),
      expect.stringMatching(/^schools\[0\]\.cases\.escalationLadder\[0\]\.by: escalation emails are sent from/),
    ]));
    const ok = text.replace('    it: {', '    digest: { sender: lantern@ngp.example }\n    it: {');
    expect(loadConfig({ file: tempFile('mail-ok.yaml', ok), env: {} }).schools[0]?.cases?.escalationLadder[0]?.by).toBe('email');
  });

  it('reads the embedded database grace period in seconds, 30 by default, and names a bad value', () => {
    expect(loadConfig({ env: {}, cwd: os.tmpdir() }).database.downGraceMs).toBe(30_000);
    expect(loadConfig({ env: { LANTERN_DB_DOWN_GRACE_SECONDS: '2.5' }, cwd: os.tmpdir() }).database.downGraceMs).toBe(2_500);
    expect(problemsOf(() => loadConfig({ env: { LANTERN_DB_DOWN_GRACE_SECONDS: 'soon' }, cwd: os.tmpdir() }))[0]).toMatch(/^LANTERN_DB_DOWN_GRACE_SECONDS: must be a number of seconds/);
  });

  it('accepts JSON as well as YAML', () => {
    const json = tempFile('cfg.json', JSON.stringify({ schools: [{ id: 'oak', name: 'Oak School', ownDomains: ['OAK.example'], dsl: { members: [{ email: 'dsl@oak.example' }], channel: { teamId: 't', channelId: 'c' } } }] }));
    const config = loadConfig({ file: json, env: {} });
    expect(config.schools[0]?.ownDomains).toEqual(['oak.example']);
    expect(config.schools[0]?.dsl.members[0]?.role).toBe('member');
  });
});

describe('lantern config check', () => {
  const cli = path.join(repo, 'bin/lantern.js');

  it('exits 0 on a valid file and lists the schools', async () => {
    const { stdout } = await run('node', [cli, 'config', 'check', example], { env: { ...process.env, LANTERN_BOT_APP_SECRET: 'x' } });
    expect(stdout).toMatch(/northgate: Northgate Primary/);
    expect(stdout).toMatch(/is valid: 2 school\(s\) in Northshire Learning Trust/);
  });

  it('exits non-zero on a broken file and names the bad key', async () => {
    const bad = tempFile('bad.yaml', readFileSync(example, 'utf8').replace('timezone: Europe/London', 'timezone: Mars/Olympus'));
    const result = await run('node', [cli, 'config', 'check', bad]).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/schools\[0\]\.timezone/);
  });

  it('reports a bad directory CSV row by line number', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-csv-'));
    writeFileSync(path.join(dir, 'people.csv'), 'personId,email,displayName,role\nA1,a@x.example,Ann,staff\nA2,b@x.example,Bob,wizard\n');
    writeFileSync(path.join(dir, 'cfg.yaml'), readFileSync(example, 'utf8').replace('file: northgate-directory.csv', 'file: people.csv').replace('file: riverside-directory.csv', `file: ${path.join(repo, 'examples/riverside-directory.csv')}`));
    const result = await run('node', [cli, 'config', 'check', path.join(dir, 'cfg.yaml')]).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line 3: role must be one of/);
  });
});
