import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseJobHandlers } from '../../../src/cases/jobs.js';
import { loadConfig, type LanternConfig } from '../../../src/config/load.js';
import { JobRunner } from '../../../src/jobs/index.js';
import { createLogger } from '../../../src/log/logger.js';
import { checkpointId } from '../../../src/monitoring/connectors/checkpoint-model.js';
import { monitorJobHandlers } from '../../../src/monitoring/connectors/jobs.js';
import { makeAlert, makeGoogleAlert, PUPIL } from '../../../src/monitoring/rules/fixtures.js';
import { auditClientFactories } from '../../../src/server/audit-clients.js';
import type { Models } from '../../../src/stores.js';
import { testMongoUri } from '../../support/db.js';
import { NORTHGATE_SCHOOL } from '../../support/school-yaml.js';
import { teamsEdgeFor } from '../../support/teams.js';
import { FakeGoogle, writeServiceAccountKey } from './support/fake-google.js';
import type { FakeMicrosoft } from './support/fake-microsoft.js';
import { startConnectorWorld, type ConnectorWorld } from './support/world.js';

const TENANT_ID = '5c3e1a2b-7d9f-4e8a-b6c4-1f2e3d4c5b6a';
const CLIENT_ID = '0b6f1c2d-3e4f-4a5b-8c7d-9e0f1a2b3c4d';
const uri = `${testMongoUri()}monitoralerts_${randomUUID().slice(0, 8)}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lantern-alerts-'));
const keyFile = writeServiceAccountKey();
const logger = createLogger({ level: 'silent' });
let world: ConnectorWorld;
let google: FakeGoogle;
let ms: FakeMicrosoft;
let models: Models;
let config: LanternConfig;

function writeConfig(): string {
  const file = path.join(dir, 'lantern.config.yaml');
  writeFileSync(
    file,
    `schools:
${NORTHGATE_SCHOOL}    google:
      customerId: C03az79cb
      adminSubject: it.admin@northgate.example
      applications: [drive]
      reportsUrl: ${google.url}
      alertCenterUrl: ${google.url}
    microsoft:
      tenantId: ${TENANT_ID}
      clientId: ${CLIENT_ID}
      monitoring:
        contentTypes: [Audit.SharePoint]
        graph: false
        manageUrl: ${ms.url}
        graphUrl: ${ms.url}/v1.0
        authorityHost: ${ms.url}
mail:
  google: { tokenUrl: ${google.url}/token }
`,
  );
  return file;
}

/** A fresh job runner over the same database, as after a restart. */
function runner(clock = () => new Date()) {
  const handlers = {
    ...monitorJobHandlers({ config, models, logger, clock }, auditClientFactories(config), { retry: { sleep: async () => undefined } }),
    ...caseJobHandlers({ config, models, logger, clock, caseNotifier: teamsEdgeFor(config, models, { clock }).caseNotifier }),
  };
  return new JobRunner({ models, handlers, clock, logger, instanceId: `test-${randomUUID().slice(0, 6)}` });
}

async function poll(source: 'google' | 'microsoft'): Promise<void> {
  const r = runner();
  await r.enqueue('monitor.poll', { key: `${source}-${randomUUID()}`, schoolId: 'northgate', data: { schoolId: 'northgate', source } });
  expect(await r.runDue()).toMatchObject({ done: 1 });
}

beforeAll(async () => {
  world = await startConnectorWorld(uri);
  ({ google, ms, models } = world);
  const env = { MONGODB_URI: uri, LANTERN_GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile, LANTERN_MS_CLIENT_SECRET_NORTHGATE: 'fake-secret' };
  config = loadConfig({ file: writeConfig(), env, cwd: dir });
});
afterAll(() => world?.stop());

describe('live alert APIs: Graph security alerts and the Google Alert Center', () => {
  it('a Google DLP alert about a nude image, polled live, opens a do-not-view case with no file name, link or id', async () => {
    const created = new Date(Date.now() - 3 * 60_000).toISOString();
    google.alerts.push(
      makeGoogleAlert({
        alertId: 'gac-nude-1',
        createTime: created,
        type: 'DLP rule violation',
        source: 'Data Loss Prevention',
        data: { ruleViolationInfo: { ruleInfo: { displayName: 'Nudity in shared image' }, triggeringUserEmail: PUPIL, resourceInfo: { documentTitle: 'IMG_2231.jpg', resourceTitle: 'IMG_2231.jpg', documentId: '1AbCdEfGhIjKlMnOpQrStUvWxYz0123' } } },
      }),
      makeGoogleAlert({ alertId: 'gac-login-1', createTime: created }),
    );
    await poll('google');
    expect(google.alertRequests[0]).toMatchObject({ customerId: '03az79cb' });
    expect(google.alertRequests[0]?.filter).toMatch(/^createTime >= "[^"]+" AND createTime < "[^"]+"$/);
    expect(google.tokenRequests.some((t) => t.scope === 'https://www.googleapis.com/auth/apps.alerts')).toBe(true);
    const detection = await models.detections.findOne({ ruleId: 'content.indecent_image.google_alert' }).lean();
    expect(detection).toMatchObject({ mayInvolveIndecentImage: true, severity: 'critical', kind: 'google.alert', actor: PUPIL });

    const r = runner();
    await r.enqueue('cases.intake', { key: `intake-${randomUUID()}`, data: {} });
    expect(await r.runDue()).toMatchObject({ done: 1 });
    const routed = await models.detections.findOne({ ruleId: 'content.indecent_image.google_alert' }).lean();
    const doc = await models.cases.findOne({ caseId: routed?.caseId }).lean();
    expect(doc).toMatchObject({ doNotView: true, category: 'content', source: 'detection' });
    expect(['high', 'critical']).toContain(doc?.severity);
    // The alert's own id stays (it names the alert, not the item); the file's name, id and link never reach the case.
    expect(JSON.stringify(doc)).not.toMatch(/IMG_2231|1AbCdEfGhIjKlMnOpQrStUvWxYz0123|https?:\/\//);
  });

  it('a Graph alert about nudity, polled live, opens a do-not-view case with no file name, link or id', async () => {
    const now = Date.now();
    const changed = new Date(now - 4 * 60_000).toISOString();
    ms.alerts.push(
      makeAlert({
        '@odata.type': '#microsoft.graph.security.alert',
        id: 'da637551227677560813_-961444813',
        title: 'Communication compliance: nudity detected in shared image',
        category: 'DataLossPrevention',
        serviceSource: 'microsoftDataLossPrevention',
        description: 'Image IMG_3301.jpg in https://northgate-my.sharepoint.com/personal/x/IMG_3301.jpg',
        createdDateTime: new Date(now - 2 * 86_400_000).toISOString(),
        lastUpdateDateTime: changed,
        evidence: [
          { '@odata.type': '#microsoft.graph.security.userEvidence', userAccount: { userPrincipalName: PUPIL } },
          { '@odata.type': '#microsoft.graph.security.fileEvidence', fileDetails: { fileName: 'IMG_3301.jpg', filePath: 'https://northgate-my.sharepoint.com/personal/x' } },
        ],
      }),
    );
    await poll('microsoft');
    const request = ms.requests.find((q) => q.path === '/v1.0/security/alerts_v2');
    expect(request?.query.get('$filter')).toMatch(/^lastUpdateDateTime ge \S+ and lastUpdateDateTime lt \S+$/);
    const detection = await models.detections.findOne({ ruleId: 'content.indecent_image.graph_alert' }).lean();
    expect(detection).toMatchObject({ mayInvolveIndecentImage: true, severity: 'critical', kind: 'graph.alert', actor: PUPIL });

    const r = runner();
    await r.enqueue('cases.intake', { key: `intake-${randomUUID()}`, data: {} });
    expect(await r.runDue()).toMatchObject({ done: 1 });
    const routed = await models.detections.findOne({ ruleId: 'content.indecent_image.graph_alert' }).lean();
    const doc = await models.cases.findOne({ caseId: routed?.caseId }).lean();
    expect(doc).toMatchObject({ doNotView: true, category: 'content' });
    expect(JSON.stringify(doc)).not.toMatch(/IMG_3301|sharepoint|https?:\/\//);
  });

  it('resumes both alert streams from their checkpoints after a restart, re-reading the overlap without duplicates', async () => {
    const before = await models.detectionEvents.countDocuments();
    const cpBefore = await models.monitorCheckpoints.findById(checkpointId('northgate', 'google:alertcenter')).lean();
    google.alertRequests.length = 0;
    await poll('google');
    await poll('microsoft');
    // The new poll starts an hour (the overlap) behind the saved cursor, not from scratch.
    const from = /createTime >= "([^"]+)"/.exec(google.alertRequests[0]?.filter ?? '')?.[1];
    expect(Date.parse(from ?? '')).toBe((cpBefore?.cursor?.getTime() ?? 0) - 3_600_000);
    expect(await models.detectionEvents.countDocuments()).toBe(before);
    const graph = await models.monitorCheckpoints.findById(checkpointId('northgate', 'microsoft:graph.alerts')).lean();
    expect(graph).toMatchObject({ lastError: null, lastRecords: 0 });
    expect((await models.detections.find({ family: 'content.indecent_image' }).lean()).map((d) => d.count)).toEqual([1, 1]);
  });
});
