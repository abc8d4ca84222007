import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScanCommand } from '../../src/cli/monitor/scan.js';
import { makeAlert, makeDirectoryAudit, makeDriveEvent, makeGoogleEvent, makeO365, makeSignIn, PUPIL, SAMPLE_TENANT } from '../../src/monitoring/rules/fixtures.js';

let dir: string;
const tenantFile = () => path.join(dir, 'tenant.json');

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-scan-'));
  writeFileSync(tenantFile(), JSON.stringify(SAMPLE_TENANT));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function scan(args: string[], stdin?: string) {
  const out: string[] = [];
  const err: string[] = [];
  let writes = 0;
  const command = createScanCommand(stdin === undefined ? undefined : Readable.from([Buffer.from(stdin)]));
  // `--json` output arrives in batches of lines: split them back into lines.
  const code = await command.run(args, { out: (l) => (writes++, out.push(...l.split('\n'))), err: (l) => err.push(l), env: {}, cwd: dir });
  return { code, out, err: err.join('\n'), writes };
}

function file(name: string, content: string): string {
  writeFileSync(path.join(dir, name), content);
  return name;
}

const externalShare = (over: Record<string, unknown> = {}) => makeDriveEvent('change_user_access', { target_user: 'someone@gmail.com', new_value: ['can_view'], doc_title: 'Year 3 class list' }, over);
const jsonl = (...records: unknown[]) => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;

describe('lantern scan', () => {
  it('writes one JSON object per detection with the contract fields, and a summary on stderr', async () => {
    const input = file('a.jsonl', jsonl(externalShare({ actor: PUPIL }), makeGoogleEvent('drive', 'view'), makeSignIn({ riskLevelDuringSignIn: 'high' })));
    const { code, out, err } = await scan(['--input', input, '--config', 'tenant.json', '--json']);
    expect(code).toBe(0);
    const detections = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(detections.map((d) => d.family).sort()).toEqual(['account.compromise_signal', 'sharing.external_user']);
    for (const d of detections) {
      for (const key of ['ruleId', 'family', 'severity', 'category', 'source', 'eventIds', 'actor', 'summary']) expect(d).toHaveProperty(key);
      expect(['low', 'medium', 'high', 'critical']).toContain(d.severity);
      expect(['content', 'contact', 'conduct', 'commerce', 'security']).toContain(d.category);
    }
    const share = detections.find((d) => d.family === 'sharing.external_user')!;
    expect(share).toMatchObject({ source: 'google', category: 'contact', severity: 'high', actor: PUPIL, looksLikePupilData: true });
    expect(JSON.stringify(share)).not.toContain('class list');
    expect(err).toMatch(/Scanned 3 record\(s\)/);
    expect(err).toMatch(/2 detection\(s\)/);
  });

  it('writes --json lines in batches, every detection once and in the order found', async () => {
    const shares = Array.from({ length: 2000 }, (_, i) => makeDriveEvent('change_user_access', { target_user: 'someone@gmail.com', new_value: ['can_view'], doc_id: `doc-${i}` }));
    const input = file('many.jsonl', jsonl(...shares));
    const { code, out, writes } = await scan(['--input', input, '--config', 'tenant.json', '--json']);
    expect(code).toBe(0);
    const detections = out.map((l) => JSON.parse(l) as { objectId: string });
    expect(detections.map((d) => d.objectId)).toEqual(shares.map((_, i) => `doc-${i}`));
    expect(writes).toBeLessThan(50);
  });

  it('prints a readable table without --json, and reads standard input with -', async () => {
    const { code, out, err } = await scan(['--input', '-', '--config', 'tenant.json'], jsonl(externalShare()));
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^SEVERITY\s+CATEGORY\s+FAMILY/);
    expect(out[1]).toMatch(/high\s+security\s+sharing\.external_user\s+1/);
    expect(err).toMatch(/from standard input/);
  });

  it('reads JSON arrays and API pages (items / value)', async () => {
    const array = file('arr.json', JSON.stringify([externalShare(), externalShare({ actor: PUPIL })], null, 2));
    expect((await scan(['--input', array, '--config', 'tenant.json', '--json'])).out).toHaveLength(2);
    const page = file('page.json', JSON.stringify({ '@odata.context': 'x', value: [makeSignIn({ riskState: 'confirmedCompromised' })] }, null, 2));
    expect((await scan(['--input', page, '--config', 'tenant.json', '--json'])).out).toHaveLength(1);
  });
});

describe('lantern scan with bad input', () => {
  it('skips a truncated line with its line number and carries on (exit 0)', async () => {
    const good = JSON.stringify(externalShare());
    const input = file('trunc.jsonl', `${good}\n${good.slice(0, 80)}\n${JSON.stringify(externalShare({ actor: PUPIL }))}\n`);
    const { code, out, err } = await scan(['--input', input, '--config', 'tenant.json', '--json']);
    expect(code).toBe(0);
    expect(out).toHaveLength(2);
    expect(err).toMatch(/line 2: skipped: not valid JSON/);
    expect(err).toMatch(/Skipped 1: 1 not valid JSON/);
  });

  it('reports a truncated JSON document and keeps the records before the break', async () => {
    const text = JSON.stringify([externalShare(), externalShare({ actor: PUPIL })], null, 2);
    const { code, out, err } = await scan(['--input', file('trunc.json', text.slice(0, text.length - 40)), '--config', 'tenant.json', '--json']);
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(err).toMatch(/ends inside a JSON value \(truncated file\?\)/);
  });

  it('survives a 50 MB single line: one giant record is skipped with a clear message; a 50 MB array streams', async () => {
    const big = path.join(dir, 'big-record.jsonl');
    await writeLarge(big, (w) => {
      w(`${JSON.stringify(externalShare())}\n`);
      w('{"kind":"admin#reports#activity","padding":"');
      for (let i = 0; i < 50; i++) w('x'.repeat(1 << 20));
      w('"}\n');
      w(`${JSON.stringify(externalShare({ actor: PUPIL }))}\n`);
    });
    const one = await scan(['--input', 'big-record.jsonl', '--config', 'tenant.json', '--json']);
    expect(one.code).toBe(0);
    expect(one.out).toHaveLength(2);
    expect(one.err).toMatch(/line 2: skipped: record is larger than 8 MB \(50\.0 MB\)/);

    const arr = path.join(dir, 'big-array.json');
    let records = 0;
    await writeLarge(arr, (w) => {
      w('[');
      const rec = JSON.stringify(makeGoogleEvent('drive', 'view', { doc_title: 'x'.repeat(700) }));
      for (let size = 0; size < 50 << 20; size += rec.length + 1) w(`${records++ ? ',' : ''}${rec}`);
      w(`,${JSON.stringify(externalShare())}]`);
    });
    const many = await scan(['--input', 'big-array.json', '--config', 'tenant.json', '--json']);
    expect(many.code).toBe(0);
    expect(many.out).toHaveLength(1);
    expect(many.err).toMatch(new RegExp(`Scanned ${(records + 1).toLocaleString('en-GB')} record`));
  }, 60_000);

  it('names the wrong field of every kind of record, and never crashes', async () => {
    const bases = { google: makeGoogleEvent('drive', 'view'), o365: makeO365('FileDownloaded'), signIn: makeSignIn(), audit: makeDirectoryAudit('Update user'), alert: makeAlert() };
    const errors: Record<string, string> = {};
    for (const [name, base] of Object.entries(bases)) {
      const lines: unknown[] = [];
      for (const key of Object.keys(base)) for (const wrong of [null, 7, 'text', [], { x: 1 }, true]) lines.push({ ...base, [key]: wrong });
      const id = (base as { id?: unknown }).id;
      if (id && typeof id === 'object') for (const key of Object.keys(id)) for (const wrong of [null, 7, [], {}]) lines.push({ ...base, id: { ...id, [key]: wrong } });
      if (name === 'google') lines.push({ ...base, events: [{ name: 'view', parameters: 'nope' }] }, { ...base, events: [null] }, { ...base, events: [{ name: 5 }] });
      const { code, err } = await scan(['--input', file(`types-${name}.jsonl`, jsonl(...lines)), '--config', 'tenant.json', '--json']);
      expect(code).toBe(0);
      expect(err).not.toMatch(/rule evaluation\(s\) failed/);
      errors[name] = err;
    }
    expect(errors.google).toMatch(/line \d+: skipped malformed record: Reports API activity: id\.uniqueQualifier is an array, expected a string/);
    expect(errors.google).toMatch(/Reports API activity: events\[0\]\.parameters is a string, expected an array/);
    expect(errors.google).toMatch(/Reports API activity: events\[0\]\.name is a number, expected a string/);
    expect(errors.o365).toMatch(/Office 365 Management Activity record: Operation is null, expected a non-empty string/);
    expect(errors.signIn).toMatch(/Graph signIn: createdDateTime is an array, expected an ISO-8601 time/);
    expect(errors.audit).toMatch(/Graph directoryAudit: activityDisplayName is a boolean, expected a string/);
    expect(errors.alert).toMatch(/Graph alert: severity is a number, expected a string/);
  });

  it('reports records of unknown kinds with their line numbers', async () => {
    const { code, out, err } = await scan(['--input', file('unknown.jsonl', '{"hello":"world"}\n42\n"text"\nnull\n{}\n'), '--config', 'tenant.json', '--json']);
    // Not one audit record among them: not a clean result.
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toMatch(/line 1: skipped: unknown record kind \(keys: hello\)/);
    expect(err).toMatch(/line 2: skipped: not an audit record \(a number, expected a JSON object\)/);
    expect(err).toMatch(/line 5: skipped: unknown record kind \(keys: none\)/);
    expect(err).toMatch(/5 of an unknown kind/);
  });

  it('says so when the input is empty', async () => {
    for (const content of ['', '\n\n', '[]', '{"items":[]}']) {
      const { code, out, err } = await scan(['--input', file('empty.json', content), '--config', 'tenant.json', '--json']);
      expect(code).toBe(0);
      expect(out).toEqual([]);
      expect(err).toMatch(/No records found in empty\.json/);
    }
  });

  it('--strict stops at the first bad record with exit 1', async () => {
    const input = file('strict.jsonl', jsonl(externalShare(), { hello: 1 }, externalShare({ actor: PUPIL })));
    const { code, out, err } = await scan(['--input', input, '--config', 'tenant.json', '--json', '--strict']);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toMatch(/Error: line 2: skipped: unknown record kind/);
    expect(err).toMatch(/Stopped at line 2 because of --strict/);
  });

  it('explains usage mistakes and unreadable files', async () => {
    expect((await scan(['--config', 'tenant.json'])).err).toMatch(/--input is required/);
    expect((await scan(['--input', 'x', '--config', 'tenant.json', '--bogus'])).code).toBe(2);
    await expect(scan(['--input', 'missing.jsonl', '--config', 'tenant.json'])).rejects.toThrow(/Cannot read the input file missing\.jsonl/);
  });
});

describe('tenant files', () => {
  it('accept YAML with people, rule settings and suppressions', async () => {
    file(
      't.yaml',
      [
        'ownDomains: [northgate.example]',
        'people:',
        `  - { email: ${PUPIL}, role: pupil, yearGroup: 6 }`,
        'rules:',
        '  sharing.external_user.google: { severity: high }',
        'suppressions:',
        '  - { domain: learnfast.example.com, reason: Approved tutoring partner, createdBy: r.okafor@northgate.example, expiresAt: "2099-01-01T00:00:00Z" }',
      ].join('\n'),
    );
    const plain = makeDriveEvent('change_user_access', { target_user: 'someone@gmail.com', new_value: ['can_view'] });
    const tutor = makeDriveEvent('change_user_access', { target_user: 'tutor@learnfast.example.com', new_value: ['can_view'] });
    const { out, err } = await scan(['--input', file('s.jsonl', jsonl(plain, tutor)), '--config', 't.yaml', '--json']);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0]!)).toMatchObject({ severity: 'high', looksLikePupilData: false, target: 'someone@gmail.com' });
    expect(err).toMatch(/1 suppressed/);
  });

  it('accept a school entry from the main config (people come from its directory)', async () => {
    file('dir.csv', `personId,email,displayName,role,yearGroup,form\np1,${PUPIL},Amira K,pupil,6,6B\ns1,j.smith@northgate.example,J Smith,staff,,\n`);
    file('school.yaml', ['id: northgate', 'name: Northgate Primary', 'ownDomains: [northgate.example]', 'dsl:', '  members: [{ email: r.okafor@northgate.example, role: dsl }]', '  channel: { teamId: t, channelId: c }', 'directory: { source: csv, file: dir.csv }'].join('\n'));
    const { out } = await scan(['--input', file('s2.jsonl', jsonl(externalShare({ actor: PUPIL }))), '--config', 'school.yaml', '--json']);
    expect(JSON.parse(out[0]!)).toMatchObject({ actorRole: 'pupil', category: 'contact' });
  });

  it('reject a file without ownDomains, or with an unknown rule, naming the key', async () => {
    file('bad1.json', JSON.stringify({ trustedDomains: [] }));
    await expect(scan(['--input', 's.jsonl', '--config', 'bad1.json'])).rejects.toThrow(/ownDomains: missing/);
    file('bad2.json', JSON.stringify({ ownDomains: ['northgate.example'], rules: { 'sharing.nope': { enabled: false } } }));
    await expect(scan(['--input', 's.jsonl', '--config', 'bad2.json'])).rejects.toThrow(/rules\.sharing\.nope: no such rule/);
    file('bad3.yaml', 'ownDomains: [northgate.example\n');
    await expect(scan(['--input', 's.jsonl', '--config', 'bad3.yaml'])).rejects.toThrow(/not valid YAML/);
  });
});

/** Writes a large file in pieces without holding it in memory. */
async function writeLarge(target: string, body: (write: (s: string) => void) => void): Promise<void> {
  const stream = createWriteStream(target);
  const parts: string[] = [];
  body((s) => parts.push(s));
  for (const p of parts) if (!stream.write(p)) await new Promise<void>((r) => stream.once('drain', () => r()));
  await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

describe('lantern scan with the vendors\' CSV exports', () => {
  const fixture = (name: string) => path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures', name);

  it('reads a Purview audit search export: each AuditData cell is one Management Activity record', async () => {
    const { code, out, err } = await scan(['--input', fixture('purview-audit-export.csv'), '--config', 'tenant.json', '--json']);
    expect(code).toBe(0);
    const detections = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(detections).toEqual([expect.objectContaining({ ruleId: 'account.mfa_disabled.microsoft', actor: 'it.admin@northgate.example', target: PUPIL, severity: 'high' })]);
    expect(err).toMatch(/Scanned 2 record\(s\) from .*purview-audit-export\.csv, read as a Purview audit search export \(CSV\)/);
    expect(err).not.toMatch(/not valid JSON|Skipped/);
  });

  it('reads the classic Purview export (CreationDate, UserIds, Operations, AuditData) with JSON over several lines', async () => {
    const { code, out } = await scan(['--input', fixture('purview-audit-export-classic.csv'), '--config', 'tenant.json', '--json']);
    expect(code).toBe(0);
    expect(out.map((l) => (JSON.parse(l) as { ruleId: string }).ruleId)).toEqual(['account.mfa_disabled.microsoft']);
  });

  it('reads a Google Admin console audit export and finds the admin turning off 2SV, the enforcement change and the full-Drive grant', async () => {
    const { code, out, err } = await scan(['--input', fixture('google-admin-audit-export.csv'), '--config', 'tenant.json', '--json']);
    expect(code).toBe(0);
    const detections = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(detections.map((d) => [d.ruleId, d.severity, d.actor]).sort()).toEqual([
      ['account.mfa_disabled.google', 'high', 'it.admin@northgate.example'],
      ['account.mfa_disabled.google', 'high', 'it.admin@northgate.example'],
      ['app.risky_oauth_grant.google', 'high', PUPIL],
    ]);
    expect(err).toMatch(/Scanned 4 record\(s\).*read as a Google Admin console audit export \(CSV\)/);
  });

  it('names each unreadable CSV row by line and still reads the rest', async () => {
    const header = 'RecordId,CreationDate,RecordType,Operation,UserId,AuditData';
    const good = `r2,2026-03-02T09:00:00Z,8,Update user.,it.admin@northgate.example,"${JSON.stringify(makeO365('Admin deleted security info.', { Workload: 'AzureActiveDirectory', ObjectId: PUPIL })).replace(/"/g, '""')}"`;
    const input = file('mixed.csv', `${header}\nr1,2026-03-02T09:00:00Z,8,Update user.,x@y,"{""CreationTime"": ""2026-03-02T09"", ""Id"": }"\n${good}\n`);
    const { code, out, err } = await scan(['--input', input, '--config', 'tenant.json', '--json']);
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(err).toMatch(/line 2: skipped: AuditData is not valid JSON/);
    expect(err).toMatch(/Skipped 1: 1 unreadable row\(s\)/);
  });

  it('exits non-zero when nothing in the input could be read', async () => {
    const input = file('garbage.txt', 'this is not an export\nnor is this\n');
    const { code, out, err } = await scan(['--input', input, '--config', 'tenant.json']);
    expect(code).toBe(1);
    expect(out).toEqual(['No detections.']);
    expect(err).toMatch(/line 1: skipped: not valid JSON/);
    expect(err).toMatch(/Nothing in garbage\.txt could be read, so this is not a clean result/);
    const csv = file('bad-purview.csv', 'CreationDate,UserIds,Operations,AuditData\n2026-03-02,a@b.c,Op,not json\n');
    expect((await scan(['--input', csv, '--config', 'tenant.json'])).code).toBe(1);
  });
});
