import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphTransport } from '../../src/mail/graph.js';
import { appTokenProvider, GRAPH_SCOPE } from '../../src/microsoft/auth.js';
import { MS_LOGIN_HOST, startGraphStandIn, type GraphStandIn } from '../digest/stand-ins.js';

const TENANT = '7e1f3a52-0000-4000-8000-00000000a001';
const CLIENT = 'c1d2e3f4-0000-4000-8000-00000000b002';
const SECRET = 'shared-secret';

let graph: GraphStandIn;
beforeAll(async () => {
  graph = await startGraphStandIn(TENANT, CLIENT, SECRET);
});
afterAll(async () => graph.close());

describe('app-only tokens', () => {
  it('one MSAL client per tenant and app: mail and the other Microsoft callers share its cached token', async () => {
    const creds = { tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET, authorityHost: MS_LOGIN_HOST };
    const mail = createGraphTransport({ ...creds, graphUrl: graph.graphUrl, networkClient: graph.networkClient });
    const raw = Buffer.from('Message-ID: <shared@lantern.test>\r\nSubject: hello\r\n\r\nhello\r\n');
    await mail.send(raw, 'dsl@northgate.example');
    expect(graph.tokenRequests).toBe(1);
    const token = await appTokenProvider(creds, { networkClient: graph.networkClient }).token(GRAPH_SCOPE);
    expect(token).toBe('graph-token');
    expect(graph.tokenRequests).toBe(1);
  });

  it('a different secret gets its own client, so a corrected secret is not served the old cache', async () => {
    const wrong = appTokenProvider({ tenantId: TENANT, clientId: CLIENT, clientSecret: 'wrong', authorityHost: MS_LOGIN_HOST }, { networkClient: graph.networkClient });
    await expect(wrong.token(GRAPH_SCOPE)).rejects.toThrow(/Microsoft sign-in for tenant/);
  });
});
