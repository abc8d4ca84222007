import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFileConfig } from '../../src/config/demo.js';
import { loadConfig, type LanternConfig } from '../../src/config/load.js';
import { createModels, ensureIndexes, type Models } from '../../src/stores.js';
import { sendTrustDigest } from '../../src/digest/rollup.js';
import { createLogger } from '../../src/log/logger.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { forbiddenStrings, insertFixtures, NOW, WEEK } from './fixtures.js';
import { startGmailStandIn, type GmailStandIn } from './stand-ins.js';

let conn: Connection;
let models: Models;
let gmail: GmailStandIn;
let config: LanternConfig;

beforeAll(async () => {
  conn = await connectTestDatabase('digest_rollup');
  models = createModels(conn);
  await ensureIndexes(models);
  await insertFixtures(conn, models);
  gmail = await startGmailStandIn();
  const demo = demoFileConfig();
  const northgate = demo.schools[0] as (typeof demo.schools)[number];
  const eastfield = { ...northgate, id: 'eastfield', name: 'Eastfield Primary', caseNumberPrefix: 'EFP', ownDomains: ['eastfield.example'], digest: undefined };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rollup-'));
  const file = path.join(dir, 'lantern.config.json');
  writeFileSync(file, JSON.stringify({
    ...demo,
    trust: { id: 'northgate-trust', name: 'Northgate Learning Trust', digest: { enabled: true, recipients: ['trustees@northgate-trust.example'], sender: 'lantern@northgate-trust.example', transport: 'gmail' } },
    schools: [northgate, eastfield],
    mail: { google: { apiUrl: gmail.url, tokenUrl: gmail.tokenUrl } },
  }));
  config = loadConfig({ file, env: { LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: gmail.keyFile, LOG_LEVEL: 'silent' }, cwd: dir });
});
afterAll(async () => {
  await gmail.close();
  await dropTestDatabase(conn);
});

describe('trust roll-up', () => {
  it('sends one roll-up across the schools, once per week, without personal data', async () => {
    const deps = { config, models, clock: () => NOW, logger: createLogger({ level: 'silent' }), instanceId: 'rollup' };
    expect(await sendTrustDigest(deps, WEEK)).toMatchObject({ status: 'sent' });
    expect(await sendTrustDigest(deps, WEEK)).toMatchObject({ status: 'already-sent' });
    expect(gmail.received).toHaveLength(1);
    const p = gmail.received[0]?.parsed;
    expect(p?.subject).toBe('Northgate Learning Trust — online safety across 2 schools, week of 16 Nov 2026');
    expect(p?.messageId).toBe('<digest.trust-northgate-trust.2026-W47@northgate-trust.example>');
    const text = p?.text ?? '';
    expect(text).toMatch(/Northgate Primary\s+5\s+3\s+84%\s+1 not scanning\s+In date/);
    expect(text).toMatch(/Eastfield Primary\s+no data yet\s+—\s+no data yet\s+not connected\s+Not recorded/);
    expect(text).toMatch(/Trust\s+5\s+3/);
    expect(p?.attachments.map((a) => a.cid)).toEqual(['trust-trend@lantern']);
    const html = typeof p?.html === 'string' ? p.html : '';
    for (const s of forbiddenStrings()) expect(text + html).not.toContain(s);
    expect(await models.digestSends.findById('trust:northgate-trust:2026-W47').lean()).toMatchObject({ state: 'sent' });
  });
});
