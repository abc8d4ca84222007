import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { stringify } from 'yaml';
import { demoFileConfig } from '../../../src/config/demo.js';
import { loadConfig, type LanternConfig, type School } from '../../../src/config/load.js';
import { graphAccess } from '../../../src/cases/graph-mail-remediation.js';
import { googleAuthFactory } from '../../../src/google/auth.js';
import { driveFileLister } from '../../../src/google/drive/list-files.js';
import { InventoryStandIn, type StandInLimits } from '../../../src/bench/inventory-stand-in.js';
import { tenantUser, type TenantSpec } from '../../../src/bench/inventory-tenant.js';
import { googleWalker } from '../../../src/monitoring/inventory/google-walker.js';
import { microsoftWalker } from '../../../src/monitoring/inventory/microsoft-walker.js';
import { inventoryTargets } from '../../../src/monitoring/inventory/targets.js';
import type { QuotaLimit } from '../../../src/http/quota-window.js';
import { createModels, ensureIndexes, type Models } from '../../../src/stores.js';
import { connectTestDatabase } from '../../support/db.js';

export const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = '66666666-7777-8888-9999-000000000000';

/** A school on the stand-in's synthetic tenant: config, database with its directory, and the stand-in itself. */
export interface InventoryFixture {
  standIn: InventoryStandIn;
  config: LanternConfig;
  school: School;
  conn: Connection;
  models: Models;
  dir: string;
}

/** Starts the stand-in over `spec`, writes a config pointing Google and Microsoft at it, and seeds the directory. */
export async function inventoryFixture(spec: TenantSpec, limits?: StandInLimits): Promise<InventoryFixture> {
  const standIn = await new InventoryStandIn(spec, limits, TENANT).start();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-inventory-'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = path.join(dir, 'sa.json');
  writeFileSync(keyFile, JSON.stringify({ client_email: 'lantern@example.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) }));
  const file = demoFileConfig();
  const base = file.schools[0]!;
  const school = { ...base, ownDomains: [spec.domain], trustedDomains: [], remediation: { enabled: true } };
  const mail = { google: { apiUrl: `${standIn.url}/`, tokenUrl: `${standIn.url}/google-token` }, microsoft: { tenantId: TENANT, clientId: CLIENT, authorityHost: standIn.url, graphUrl: `${standIn.url}/v1.0` } };
  writeFileSync(path.join(dir, 'lantern.config.yaml'), stringify({ ...file, schools: [school], mail }));
  const env = { LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile, LANTERN_MS_CLIENT_SECRET: 'stand-in-secret' };
  const config = loadConfig({ env, file: path.join(dir, 'lantern.config.yaml'), cwd: dir });
  const conn = await connectTestDatabase('inv');
  const models = createModels(conn);
  await ensureIndexes(models);
  const people = Array.from({ length: spec.users }, (_, i) => {
    const u = tenantUser(spec, i);
    return { schoolId: config.schools[0]!.id, personId: `p${i}`, email: u.email, displayName: `User ${i}`, role: u.role, aadObjectId: u.aadObjectId };
  });
  await models.people.insertMany(people);
  return { standIn, config, school: config.schools[0]!, conn, models, dir };
}

/** The Drive walker the CLI builds, over the stand-in, with the quota given. */
export async function driveWalkerFor(f: InventoryFixture, quota: { project: QuotaLimit; perUser: QuotaLimit }, pageSize = 1_000) {
  const targets = await inventoryTargets(f.models, f.school);
  const auth = googleAuthFactory({ keyFile: f.config.mail.google.serviceAccountKeyFile, tokenUrl: String(f.config.mail.google.tokenUrl) });
  return { targets, walker: googleWalker({ lister: driveFileLister(auth, { apiUrl: f.config.mail.google.apiUrl, pageSize }), view: targets.view, users: targets.googleUsers, quota }) };
}

/** The Graph walker the CLI builds, over the stand-in. */
export async function graphWalkerFor(f: InventoryFixture, quota: { perMinute: QuotaLimit; perDay: QuotaLimit }) {
  const targets = await inventoryTargets(f.models, f.school);
  const access = graphAccess(f.config, f.school);
  if (!access) throw new Error('no Graph access in the fixture');
  return { targets, walker: microsoftWalker({ access, view: targets.view, users: targets.microsoftUsers, sites: true, quota }) };
}
