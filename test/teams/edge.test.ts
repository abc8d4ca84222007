import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyPageLinks } from '../../src/agreements/policy-link.js';
import type { AgreementVersion } from '../../src/agreements/version-model.js';
import { loadConfig, type LanternConfig, type School } from '../../src/config/load.js';
import { createModels, type Models } from '../../src/stores.js';
import { signCard } from '../../src/teams/agreements/render.js';
import { createSendShared } from '../../src/teams/send/deps.js';
import { connectTestDatabase, dropTestDatabase } from '../support/db.js';
import { teamsEdgeFor } from '../support/teams.js';

let conn: Connection;
let models: Models;
const demo = loadConfig({ env: { LOG_LEVEL: 'silent' } });
const at = (publicUrl: string): LanternConfig => ({ ...demo, server: { ...demo.server, publicUrl } });
const school = demo.schools[0] as School;
const version = { _id: 'northgate:staff-aua:v1', schoolId: 'northgate', policyId: 'staff-aua', number: 1, title: 'Staff AUA', summary: 's', body: 'b', effectiveDate: new Date('2026-09-01T00:00:00Z') } as unknown as AgreementVersion;
const linkOf = (card: unknown) => JSON.stringify(card).match(/"url":"([^"]+\/policies\/[^"]+)"/)?.[1];

beforeAll(async () => {
  conn = await connectTestDatabase('edge');
  models = createModels(conn);
});
afterAll(async () => dropTestDatabase(conn));

describe('two Lantern instances in one process keep their own Teams state', () => {
  it("each links sign cards to its own policy pages' address", () => {
    const a = teamsEdgeFor(at('https://a.lantern.example/'), models);
    const b = teamsEdgeFor(at('https://b.lantern.example'), models);
    expect(linkOf(signCard(version, { school, policyLinks: a.policyLinks }))).toBe('https://a.lantern.example/policies/northgate/staff-aua/v1');
    expect(linkOf(signCard(version, { school, policyLinks: b.policyLinks }))).toBe('https://b.lantern.example/policies/northgate/staff-aua/v1');
  });

  it('reads the address when a card is built (the demo knows it once it listens), and without one keeps the text in the card', () => {
    const listening: { url?: string } = {};
    const links = policyPageLinks(() => listening.url);
    expect(linkOf(signCard(version, { school, policyLinks: links }))).toBeUndefined();
    listening.url = 'http://127.0.0.1:40123';
    expect(linkOf(signCard(version, { school, policyLinks: links }))).toBe('http://127.0.0.1:40123/policies/northgate/staff-aua/v1');
  });

  it('each has its own rate limiter, sender lease and worker id', () => {
    const a = teamsEdgeFor(demo, models).sending;
    const b = teamsEdgeFor(demo, models).sending;
    expect(a.limiter).not.toBe(b.limiter);
    expect(a.lease).not.toBe(b.lease);
    expect(a.workerId).not.toBe(b.workerId);
    expect(createSendShared(models).workerId).not.toBe(a.workerId);
  });
});
