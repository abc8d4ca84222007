import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One activity the fake accepted and "delivered". */
export interface FakeDelivery {
  conversationId: string;
  activityId: string;
  /** The sender's idempotency id (channelData.lanternDeliveryId), when it sent one. */
  deliveryId: string | undefined;
  activity: Record<string, unknown>;
  at: number;
}

/** How the fake behaves: injected failures are pseudo-random but repeatable (seeded). */
export interface FakeConnectorOptions {
  /** Share of requests answered 429 + Retry-After even under the limits (default 0). */
  throttleRate?: number;
  /** Share of requests answered 502 (default 0). */
  badGatewayRate?: number;
  /** Retry-After seconds on a 429 (default 1). */
  retryAfterSeconds?: number;
  seed?: number;
  /** Per app per tenant per second (default 50, Teams' limit). */
  tenantPerSecond?: number;
}

/** What the fake counted. */
export interface FakeConnectorStats {
  requests: number;
  delivered: number;
  throttledByLimit: number;
  throttledInjected: number;
  badGateway: number;
  /** Repeats of an already delivered delivery id, answered 201 and not delivered again. */
  deduplicated: number;
}

/** A running fake Bot Connector service. */
export interface FakeBotConnector {
  readonly url: string;
  readonly deliveries: FakeDelivery[];
  readonly stats: FakeConnectorStats;
  /** Arrival time (ms) of every well-formed request, answered or refused: what the limits count. */
  readonly requestTimes: number[];
  close(): Promise<void>;
}

const CONVERSATION_WINDOWS = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/**
 * A local stand-in for the Bot Connector service Teams exposes at a conversation's serviceUrl. It enforces
 * Teams' limits (per conversation 7/1 s, 8/2 s, 60/30 s; per tenant 50/s) with 429 + Retry-After, injects
 * extra 429s and 502s, de-duplicates on `channelData.lanternDeliveryId`, and logs every delivered activity.
 */
export async function startFakeBotConnector(options: FakeConnectorOptions = {}): Promise<FakeBotConnector> {
  const deliveries: FakeDelivery[] = [];
  const stats: FakeConnectorStats = { requests: 0, delivered: 0, throttledByLimit: 0, throttledInjected: 0, badGateway: 0, deduplicated: 0 };
  const seen = new Map<string, string>();
  const requestTimes: number[] = [];
  const windows = new Map<string, number[]>();
  let state = options.seed ?? 42;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const overLimit = (key: string, limits: readonly { limit: number; ms: number }[], now: number): boolean => {
    const longest = Math.max(...limits.map((l) => l.ms));
    const times = (windows.get(key) ?? []).filter((t) => t > now - longest);
    times.push(now);
    windows.set(key, times);
    return limits.some((l) => times.filter((t) => t > now - l.ms).length > l.limit);
  };
  const retryAfter = String(options.retryAfterSeconds ?? 1);

  const server: Server = createServer((req, res) => {
    void (async () => {
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/[^/]+)?$/.exec((req.url ?? '').split('?')[0] ?? '');
      if (req.method !== 'POST' || !match) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'NotFound' } }));
        return;
      }
      const conversationId = decodeURIComponent(match[1] ?? '');
      let activity: Record<string, unknown>;
      try {
        activity = JSON.parse(await readBody(req)) as Record<string, unknown>;
      } catch {
        res.writeHead(400).end();
        return;
      }
      stats.requests += 1;
      const now = Date.now();
      requestTimes.push(now);
      const tenant = ((activity.conversation as { tenantId?: string } | undefined)?.tenantId ?? 'tenant') as string;
      const tenantOver = overLimit(`tenant:${tenant}`, [{ limit: options.tenantPerSecond ?? 50, ms: 1_000 }], now);
      const conversationOver = overLimit(`conversation:${conversationId}`, CONVERSATION_WINDOWS, now);
      if (tenantOver || conversationOver) {
        stats.throttledByLimit += 1;
        res.writeHead(429, { 'retry-after': retryAfter, 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'TooManyRequests' } }));
        return;
      }
      const roll = random();
      if (roll < (options.throttleRate ?? 0)) {
        stats.throttledInjected += 1;
        res.writeHead(429, { 'retry-after': retryAfter, 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'TooManyRequests' } }));
        return;
      }
      if (roll < (options.throttleRate ?? 0) + (options.badGatewayRate ?? 0)) {
        stats.badGateway += 1;
        res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'BadGateway' } }));
        return;
      }
      const deliveryId = (activity.channelData as { lanternDeliveryId?: string } | undefined)?.lanternDeliveryId;
      const earlier = deliveryId ? seen.get(deliveryId) : undefined;
      if (earlier) {
        stats.deduplicated += 1;
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: earlier }));
        return;
      }
      const activityId = randomUUID();
      if (deliveryId) seen.set(deliveryId, activityId);
      deliveries.push({ conversationId, activityId, deliveryId, activity, at: now });
      stats.delivered += 1;
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: activityId }));
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    deliveries,
    stats,
    requestTimes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The most of these times (ms, any order) that fall in any one-second window: what "per second" means at Teams. */
export function busiestSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] as number) - (sorted[j] as number) >= 1_000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
