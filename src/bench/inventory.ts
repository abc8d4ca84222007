import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { googleAuthFactory } from '../google/auth.js';
import { driveFileLister } from '../google/drive/list-files.js';
import { createLogger } from '../log/logger.js';
import { googleWalker } from '../monitoring/inventory/google-walker.js';
import { microsoftWalker } from '../monitoring/inventory/microsoft-walker.js';
import { DRIVE_QUOTA, GRAPH_DELTA_PAGE, GRAPH_RU_COST, graphQuotaFor } from '../monitoring/inventory/quotas.js';
import { runInventory, type InventoryRunSummary } from '../monitoring/inventory/run.js';
import { inventoryTargets } from '../monitoring/inventory/targets.js';
import { openDatabase } from '../stores.js';
import { documentedLimits, InventoryStandIn } from './inventory-stand-in.js';
import { filesOf, syntheticFile, tenantUser, type TenantSpec } from './inventory-tenant.js';

/**
 * `npm run bench:inventory`: the exposure inventory against a local stand-in for Drive and Graph that enforces the
 * documented quotas (429 with Retry-After past them), over a synthetic tenant with 3% of files shared outside.
 * Prints files/s, the quota-imposed floor (the steady rate a client at exactly the quota reaches with this tenant's
 * pages: quota per second × files per request), the ratio, 429s received, and the time 1 million files would take
 * against GAT+'s reported 1 million files per 30 minutes. `--files N` (default 200,000) and `--users N` (2,000) size
 * the Drive tenant; `--ms-files N` (10,000) and `--ms-users N` (200) the Microsoft one, whose resource-unit limits are
 * far lower; `--source google|microsoft|all`.
 */
function arg(flag: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  const v = i > 0 ? Number(process.argv[i + 1]) : fallback;
  return Number.isInteger(v) && v > 0 ? v : fallback;
}
const source = (() => {
  const i = process.argv.indexOf('--source');
  return i > 0 ? String(process.argv[i + 1]) : 'all';
})();
const say = (line = ''): boolean => process.stdout.write(`${line}\n`);
const GAT_FILES_PER_SECOND = 1_000_000 / (30 * 60);
const fmt = (x: number, digits = 0) => x.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function print(label: string, summary: InventoryRunSummary, floor: number, throttledByServer: number, note: string): void {
  const rate = summary.files / (summary.elapsedMs / 1000);
  const projection = 1_000_000 / rate;
  say(`\n${label}`);
  say(`  files read          ${fmt(summary.files)} in ${fmt(summary.elapsedMs / 1000, 1)} s (${fmt(summary.units)} drives, ${fmt(summary.exposed)} shared outside)`);
  say(`  files/s             ${fmt(rate)}`);
  say(`  quota floor         ${fmt(floor)} files/s (${note})`);
  say(`  ratio               ${fmt(rate / floor, 2)} of the quota floor`);
  say(`  429s received       ${fmt(summary.throttled)} (stand-in sent ${fmt(throttledByServer)})`);
  say(`  1M files would take ${fmt(projection / 60, 1)} min at this rate, ${fmt(Math.min(projection, 1_000_000 / floor) / 60, 1)} min at the quota floor; GAT+ reports 30 min (${fmt(GAT_FILES_PER_SECOND)} files/s): ${fmt(rate / GAT_FILES_PER_SECOND, 1)}× that`);
}

async function main(): Promise<void> {
  const google: TenantSpec = { domain: 'northgate.example', users: arg('--users', 2_000), files: arg('--files', 200_000), sites: 0, siteFiles: 0, exposedPercent: 3 };
  const microsoft: TenantSpec = { domain: 'northgate.example', users: arg('--ms-users', 200), files: arg('--ms-files', 10_000), sites: 0, siteFiles: 0, exposedPercent: 3 };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-bench-inventory-'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = path.join(dir, 'sa.json');
  writeFileSync(keyFile, JSON.stringify({ client_email: 'bench@example.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) }));
  const env: Record<string, string> = { LANTERN_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent' };
  if (process.env.MONGODB_URI) env.MONGODB_URI = `${process.env.MONGODB_URI.replace(/\/[^/]*$/, '')}/bench_inventory_${Date.now()}`;
  const config = loadConfig({ env, cwd: dir });
  const school = config.schools[0]!;
  const db = await openDatabase(config, createLogger({ level: 'silent' }));
  try {
    const seed = async (spec: TenantSpec) => {
      await db.models.people.deleteMany({ schoolId: school.id });
      const people = Array.from({ length: spec.users }, (_, i) => {
        const u = tenantUser(spec, i);
        return { schoolId: school.id, personId: `bench-${i}`, email: u.email, displayName: `User ${i}`, role: u.role, aadObjectId: u.aadObjectId };
      });
      for (let i = 0; i < people.length; i += 1_000) await db.models.people.insertMany(people.slice(i, i + 1_000));
    };
    say(`Exposure inventory benchmark on ${os.cpus().length} CPU(s), database ${process.env.MONGODB_URI ? 'MONGODB_URI' : 'embedded FerretDB'}.`);

    if (source === 'all' || source === 'google') {
      const standIn = await new InventoryStandIn(google, documentedLimits(google.users)).start();
      try {
        await seed(google);
        const targets = await inventoryTargets(db.models, school);
        const auth = googleAuthFactory({ keyFile, tokenUrl: `${standIn.url}/google-token` });
        const walker = googleWalker({ lister: driveFileLister(auth, { apiUrl: `${standIn.url}/`, pageSize: DRIVE_QUOTA.maxPageSize }), view: targets.view, users: targets.googleUsers, quota: DRIVE_QUOTA });
        const summary = await runInventory(db.models, school.id, targets.view, walker, { resume: false, concurrency: 16 });
        const requests = Array.from({ length: google.users }, (_, u) => Math.max(1, Math.ceil(filesOf(google, u) / DRIVE_QUOTA.maxPageSize))).reduce((a, b) => a + b, 0);
        const perSecond = DRIVE_QUOTA.project.limit / (DRIVE_QUOTA.project.windowMs / 1000);
        print(
          `Google Drive: ${fmt(google.users)} users, ${fmt(google.files)} files, quota ${fmt(DRIVE_QUOTA.project.limit)} queries / 60 s per project and per user`,
          summary,
          (perSecond * google.files) / requests,
          standIn.stats.driveThrottled,
          `${fmt(perSecond)} queries/s × ${fmt(google.files / requests)} files per files.list; ${fmt(perSecond * DRIVE_QUOTA.maxPageSize)} with every page full`,
        );
      } finally {
        await standIn.stop();
      }
    }

    if (source === 'all' || source === 'microsoft') {
      const standIn = await new InventoryStandIn(microsoft, documentedLimits(microsoft.users), '11111111-2222-3333-4444-555555555555').start();
      try {
        await seed(microsoft);
        const targets = await inventoryTargets(db.models, school);
        const quota = graphQuotaFor(microsoft.users);
        const walker = microsoftWalker({ access: { token: async () => 'graph-token', graphUrl: `${standIn.url}/v1.0` }, view: targets.view, users: targets.microsoftUsers, sites: false, quota });
        const summary = await runInventory(db.models, school.id, targets.view, walker, { resume: false, concurrency: 8 });
        // The fewest units any client needs: each drive's delta pages, plus a permissions read for each item shared with named people.
        let units = 0;
        for (let u = 0; u < microsoft.users; u++) {
          const files = filesOf(microsoft, u);
          const pages = Math.max(1, Math.ceil((files + 1) / GRAPH_DELTA_PAGE));
          units += GRAPH_RU_COST.multiItem + (pages - 1) * GRAPH_RU_COST.deltaWithToken;
          for (let j = 0; j < files; j++) {
            const s = syntheticFile(microsoft, u, j, 'i');
            if (s.sharing === 'external-user' || s.sharing === 'external-domain' || (s.sharing === 'organization' && s.pupil)) units += GRAPH_RU_COST.permissions;
          }
        }
        const perSecond = quota.perMinute.limit / 60;
        print(
          `OneDrive (Graph): ${fmt(microsoft.users)} users, ${fmt(microsoft.files)} files, ${fmt(quota.perMinute.limit)} resource units / minute (tenant of ${fmt(microsoft.users)} licences)`,
          summary,
          (perSecond * microsoft.files) / units,
          standIn.stats.graphThrottled,
          `${fmt(perSecond, 1)} units/s ÷ ${fmt(units / microsoft.files, 3)} units per file`,
        );
      } finally {
        await standIn.stop();
      }
    }
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
