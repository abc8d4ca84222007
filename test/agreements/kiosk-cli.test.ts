import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { runCli } from '../../src/cli/main.js';
import { connectDatabase } from '../../src/db/connect.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { findTemplate, loadPolicyLibrary } from '../../src/agreements/library.js';
import { calendarOf } from '../../src/agreements/academic-year.js';
import { createKioskLink, newKioskFormId, openKioskLink, signAtKiosk } from '../../src/agreements/kiosk-links.js';
import { publishVersion } from '../../src/agreements/versions.js';
import { encodeQr, qrSvg } from '../../src/web/shared/qr/encode.js';
import { testMongoUri } from '../support/db.js';
import { NORTHGATE_SCHOOL } from '../support/school-yaml.js';

const dbName = `kiosk_cli_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-kiosk-'));
const config = path.join(dir, 'lantern.config.yaml');
const noUrlConfig = path.join(dir, 'no-url.yaml');
let conn: Connection;
let models: Models;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: { MONGODB_URI: `${testMongoUri()}${dbName}`, LOG_LEVEL: 'silent' }, cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  writeFileSync(config, `server:\n  publicUrl: https://lantern.northgate.example/\nschools:\n${NORTHGATE_SCHOOL}`);
  writeFileSync(noUrlConfig, `schools:\n${NORTHGATE_SCHOOL}`);
  conn = await connectDatabase(testMongoUri(), { dbName });
  models = createModels(conn);
  await ensureIndexes(models);
  await publishVersion(models, findTemplate(loadPolicyLibrary(), 'visitor-aua'), { schoolId: 'northgate', by: 'test' });
});
afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

describe('lantern agreements kiosk', () => {
  it('a dry run checks the policy and stores and writes nothing', async () => {
    const r = await cli('agreements', 'kiosk', '--policy', 'visitor-aua', '--config', config, '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Dry run — nothing stored or written');
    expect(r.out).toContain('Visitor acceptable use agreement');
    expect(await models.agreementKioskLinks.countDocuments()).toBe(0);
    expect(existsSync(path.join(dir, 'kiosk-visitor-aua.html'))).toBe(false);
  });

  it('writes the printable sheet whose QR code opens the working kiosk page, keeping only a hash of the link', async () => {
    const r = await cli('agreements', 'kiosk', '--policy', 'visitor-aua', '--by', 'Ruth Okafor', '--out', 'reception.html', '--config', config);
    expect(r.code).toBe(0);
    const url = /opens (https:\/\/lantern\.northgate\.example\/sign\/kiosk\/[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}) /.exec(r.out)?.[1] ?? '';
    expect(url).not.toBe('');
    const token = url.split('/').at(-1) ?? '';
    const sheet = readFileSync(path.join(dir, 'reception.html'), 'utf8');
    expect(sheet).toContain('Visiting? Scan to read and sign');
    expect(sheet).toContain(url.replace('https://', ''));
    expect(sheet).toContain('@page{size:A4');
    // The code on the sheet is the encoding of exactly the printed address.
    const path0 = /<path fill="#000" d="([^"]+)"/.exec(sheet)?.[1];
    expect(path0).toBe(/<path fill="#000" d="([^"]+)"/.exec(qrSvg(encodeQr(url), ''))?.[1]);
    const links = await models.agreementKioskLinks.find().lean();
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ schoolId: 'northgate', policyId: 'visitor-aua', createdBy: 'Ruth Okafor' });
    expect(JSON.stringify(links)).not.toContain(token.replace(/-/g, ''));
    const opened = await openKioskLink(models, token, new Date());
    expect(opened.ok).toBe(true);
    // About a year, unless --days says otherwise.
    expect((links[0]?.expiresAt.getTime() ?? 0) - Date.now()).toBeGreaterThan(364 * 86_400_000);
  });

  it('--revoke stops the policy\'s sheets working (a dry run first says how many)', async () => {
    const dry = await cli('agreements', 'kiosk', '--policy', 'visitor-aua', '--revoke', '--config', config, '--dry-run');
    expect(dry.out).toContain('1 kiosk sheet(s) for visitor-aua would stop working');
    expect(await models.agreementKioskLinks.countDocuments({ revokedAt: { $exists: true } })).toBe(0);
    const r = await cli('agreements', 'kiosk', '--policy', 'visitor-aua', '--revoke', '--by', 'Ruth Okafor', '--config', config);
    expect(r.code).toBe(0);
    expect(r.out).toContain('1 kiosk sheet(s) for visitor-aua no longer work');
    expect(await models.agreementKioskLinks.findOne().lean()).toMatchObject({ revokedBy: 'Ruth Okafor' });
  });

  it('says what is wrong: an unknown policy or school, no --by, no public address', async () => {
    const policy = await cli('agreements', 'kiosk', '--policy', 'no-such-policy', '--by', 'Office', '--config', config);
    expect(policy.code).toBe(1);
    expect(policy.err).toContain('There is no published version of "no-such-policy"');
    const school = await cli('agreements', 'kiosk', '--policy', 'visitor-aua', '--by', 'Office', '--school', 'southgate', '--config', config);
    expect(school.code).not.toBe(0);
    expect(school.err).toContain('southgate');
    const by = await cli('agreements', 'kiosk', '--policy', 'visitor-aua', '--config', config);
    expect(by.err).toContain('--by NAME is required');
    const days = await cli('agreements', 'kiosk', '--policy', 'visitor-aua', '--by', 'Office', '--days', 'soon', '--config', config);
    expect(days.err).toContain('--days must be a whole number');
    const noUrl = await cli('agreements', 'kiosk', '--policy', 'visitor-aua', '--by', 'Office', '--config', noUrlConfig);
    expect(noUrl.code).toBe(2);
    expect(noUrl.err).toContain('server.publicUrl is not set');
    expect(await models.agreementKioskLinks.countDocuments()).toBe(1);
  });

  it('status counts visitors who signed the current version apart from the audiences, and the CSV export carries them', async () => {
    const { token, version } = await createKioskLink(models, { schoolId: 'northgate', policyId: 'visitor-aua', createdBy: 'Office' }, new Date());
    for (const name of ['Pat Visitor', 'Sam Second']) {
      const r = await signAtKiosk(models, { token, shownVersionId: version._id, formId: newKioskFormId(), name, organisation: 'Fixit Ltd', client: { ip: '127.0.0.1', userAgent: 'test' } }, calendarOf({ timezone: 'Europe/London' }), () => new Date());
      expect(r.ok).toBe(true);
    }
    const status = await cli('agreements', 'status', '--config', config);
    expect(status.code).toBe(0);
    expect(status.out).toContain('Visitors and others without a school account (signed the current version)');
    expect(status.out).toContain('Visitor acceptable use agreement (version 1): 2 by reception kiosk');
    expect(status.out).not.toContain('Pat Visitor');
    const csv = await cli('agreements', 'status', '--csv', '--config', config);
    expect(csv.out.split('\n')).toContain('visitor-aua,Visitor acceptable use agreement,1,visitors (reception kiosk),2,,');
  });
});
