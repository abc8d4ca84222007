import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { applyCommand } from '../../src/cases/act.js';
import { openCase } from '../../src/cases/open.js';
import { loadConfig, type School } from '../../src/config/load.js';
import { launchBrowser } from '../support/browser.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { ALEX, makeCaseInput, RUTH } from '../cases/fixtures.js';
import { startEntraStandIn, type EntraAccount, type EntraStandIn } from './entra-stand-in.js';

export const TENANT = '11111111-2222-4333-8444-555555555555';
export const OTHER_TENANT = '99999999-8888-4777-8666-555555555555';
export const CLIENT_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

/**
 * A trust of two schools: Northgate (the demo directory, DSL Ruth Okafor, deputy Mark Hughes, IT manager Sam Whitfield) signing in
 * through the Entra stand-in's tenant, and Southfield, whose cases Northgate's DSL must never see.
 */
export function writeTrustConfig(authorityHost: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-dash-'));
  const file = path.join(dir, 'lantern.config.json');
  const config = {
    mail: { microsoft: { clientId: CLIENT_ID, authorityHost } },
    schools: [
      {
        id: 'northgate',
        name: 'Northgate Primary',
        caseNumberPrefix: 'NGP',
        ownDomains: ['northgate.example', 'pupils.northgate.example'],
        microsoft: { tenantId: TENANT },
        dsl: {
          members: [
            { email: 'r.okafor@northgate.example', role: 'dsl' },
            { email: 'm.hughes@northgate.example', role: 'deputy' },
          ],
          channel: { teamId: 'team-ngp', channelId: '19:ngp-dsl@thread.tacv2' },
        },
        it: { members: [{ email: 's.whitfield@northgate.example' }] },
        directory: { source: 'demo' },
      },
      {
        id: 'southfield',
        name: 'Southfield Academy',
        caseNumberPrefix: 'SFA',
        ownDomains: ['southfield.example'],
        microsoft: { tenantId: OTHER_TENANT },
        dsl: { members: [{ email: 'dsl@southfield.example', role: 'dsl' }], channel: { teamId: 'team-sfa', channelId: '19:sfa-dsl@thread.tacv2' } },
        directory: { source: 'demo' },
      },
    ],
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** The schools of a config file, as Lantern sees them. */
export function schoolsOf(file: string): { northgate: School; southfield: School } {
  const schools = loadConfig({ file, env: { LANTERN_MS_CLIENT_SECRET: 'x' }, cwd: os.tmpdir() }).schools;
  const [northgate, southfield] = schools;
  if (!northgate || !southfield) throw new Error('the trust config needs two schools');
  return { northgate, southfield };
}

/** Signs in at the Entra stand-in's own login form (any password works) and returns where it ended. */
export async function entraSignIn(context: BrowserContext, baseUrl: string, login: string): Promise<{ page: Page; status: number }> {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/dashboard/northgate`);
  await page.getByRole('link', { name: 'Sign in with Microsoft' }).click();
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any');
  await Promise.all([page.waitForURL(new RegExp(`^${baseUrl}/dashboard/`)), page.locator('button[type=submit]').click()]);
  await page.waitForLoadState('load');
  const status = (await page.evaluate(`performance.getEntriesByType('navigation')[0]?.responseStatus ?? 0`)) as number;
  return { page, status };
}

/** A laptop screen. */
export const DESKTOP = { width: 1366, height: 768 } as const;
/** A note a DSL wrote that looks like markup: the page must show it as text. */
export const SCRIPT_NOTE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> check the chat log';

const ACCOUNTS: Record<string, EntraAccount> = {
  ruth: { upn: 'r.okafor@northgate.example', name: 'Ruth Okafor' },
  alex: { upn: 'a.wilber@northgate.example', name: 'Alex Wilber' },
  sam: { upn: 's.whitfield@northgate.example', name: 'Sam Whitfield' },
  // Same sign-in name as the DSL, but the token comes from another tenant: must not pass as Ruth.
  impostor: { upn: 'r.okafor@northgate.example', name: 'Ruth Okafor', tid: OTHER_TENANT },
};

/** Lantern for the trust, the Entra stand-in, a browser, and the seeded cases. */
export interface DashboardTest {
  lantern: TestLantern;
  entra: EntraStandIn;
  browser: Browser;
  northgate: School;
  ids: Record<'main' | 'dnv' | 'closed' | 'other', { caseId: string; number: string }>;
  accessLog(filter: Record<string, unknown>): Promise<Array<{ what: string; who: string; kind: string; caseId: string | null }>>;
  close(): Promise<void>;
}

/**
 * Starts everything and opens the cases the tests look at: `olderCases` plain ones, a closed one, a "do not
 * view" one from a detection, the main case (acknowledged, a note that looks like script, a CEOP referral),
 * and a case of Southfield.
 */
export async function startDashboardTest(opts: { olderCases: number }): Promise<DashboardTest> {
  const entra = await startEntraStandIn(ACCOUNTS, TENANT, CLIENT_ID);
  const file = writeTrustConfig(entra.authorityHost);
  const { northgate, southfield } = schoolsOf(file);
  const lantern = await startTestLantern({ LANTERN_CONFIG: file, LANTERN_MS_CLIENT_SECRET: entra.clientSecret });
  entra.start(`${lantern.url}/dashboard/oidc/callback`);
  const m = lantern.models;
  let t = Date.parse('2026-03-02T09:00:00Z');
  const next = () => new Date((t += 3_600_000));
  for (let i = 0; i < opts.olderCases; i++) await openCase(m, northgate, makeCaseInput({ summary: `Older concern number ${i + 1}.`, subjects: ['pupil-002'] }), next());
  const closed = await openCase(m, northgate, makeCaseInput({ summary: 'A closed case that must not be listed.' }), next());
  await applyCommand(m, northgate.id, closed.caseId, RUTH, { kind: 'close', outcomeCategory: 'no-further-action', outcome: 'Spoke to parents.' }, next);
  const dnv = await openCase(m, northgate, {
    ...makeCaseInput({ source: 'detection', severity: 'critical', category: 'content', summary: 'A file shared publicly from a pupil account may be an indecent image.', reporter: null, where: 'Snapchat, snapchat.com/add/kid99, IMG_2231.jpg' }),
    doNotView: true,
    detections: [{ detectionId: 'det-1', ruleId: 'sharing.public_link.google', family: 'sharing.public_link', at: new Date(t), objectId: 'DRIVE-FILE-ID-0042', actor: 'ava@pupils.northgate.example' }],
  }, next());
  const main = await openCase(m, northgate, makeCaseInput({ severity: 'high', summary: 'A pupil was messaged by an unknown adult in a game chat.', subjects: ['pupil-031'] }), next());
  await applyCommand(m, northgate.id, main.caseId, RUTH, { kind: 'acknowledge' }, next);
  await applyCommand(m, northgate.id, main.caseId, RUTH, { kind: 'note', text: SCRIPT_NOTE }, next);
  await applyCommand(m, northgate.id, main.caseId, RUTH, { kind: 'escalate', agency: 'ceop', reference: 'CEOP-77' }, next);
  const other = await openCase(m, southfield, { ...makeCaseInput({ summary: 'Southfield only.' }), reporter: ALEX }, next());
  const browser = await launchBrowser();
  return {
    lantern,
    entra,
    browser,
    northgate,
    ids: { main, dnv, closed, other },
    accessLog: async (filter) => (await m.caseAccessLog.find(filter).lean()).map((e) => ({ what: e.what, who: e.who, kind: e.kind, caseId: e.caseId ?? null })),
    async close() {
      await browser.close();
      await lantern.close();
      await entra.close();
    },
  };
}
