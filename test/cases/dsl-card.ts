import { expect } from 'vitest';
import { makeActivity, postActivity } from '../support/activities.js';
import { startTestLantern, type TestLantern } from '../support/lantern.js';
import { startConnectorStandIn, type ConnectorStandIn } from './connector-stand-in.js';

/** The demo school's DSL channel, where case cards are posted. */
export const DSL_CHANNEL_ID = '19:demo-dsl-channel@thread.tacv2';
const TENANT = '00000000-0000-0000-0000-0000000000001';

/** Someone pressing a button in Teams. */
export interface Presser {
  aadObjectId: string;
  name: string;
}

/** A running Lantern with a Bot Connector stand-in, where Ruth Okafor (the demo school's DSL) presses case-card buttons. */
export interface DslCardBench {
  lantern: TestLantern;
  connector: ConnectorStandIn;
  ruth: Presser;
  /** Presses a button through the real bot endpoint (on a card in the DSL channel, or in a personal chat); the answer card. */
  press(verb: string, data: Record<string, unknown>, from?: Presser, inChannel?: boolean): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Starts Lantern and the stand-in, and links Ruth Okafor's directory entry to the Teams user `ruthAad`. */
export async function startDslCardBench(ruthAad: string): Promise<DslCardBench> {
  const connector = await startConnectorStandIn();
  const lantern = await startTestLantern();
  await lantern.models.people.updateOne({ schoolId: 'northgate', email: 'r.okafor@northgate.example' }, { $set: { aadObjectId: ruthAad } });
  const ruth = { aadObjectId: ruthAad, name: 'Ruth Okafor' };
  return {
    lantern,
    connector,
    ruth,
    async press(verb, data, from = ruth, inChannel = true) {
      const res = await postActivity(lantern.url, makeActivity({
        type: 'invoke',
        name: 'adaptiveCard/action',
        deliveryMode: undefined,
        serviceUrl: connector.url,
        from: { id: `29:${from.name}`, name: from.name, aadObjectId: from.aadObjectId },
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
        ...(inChannel ? { conversation: { id: `${DSL_CHANNEL_ID};messageid=1`, conversationType: 'channel', tenantId: TENANT } } : {}),
      }));
      expect(res.status).toBe(200);
      return (res.body as { value: Record<string, unknown> }).value;
    },
    async close() {
      await lantern.close();
      await connector.close();
    },
  };
}
