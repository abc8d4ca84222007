import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the bot made to the stand-in Bot Connector. */
export interface ConnectorCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/** A local HTTP server standing in for the Bot Connector service: records posts and updates of activities. */
export interface ConnectorStandIn {
  url: string;
  calls: ConnectorCall[];
  /** The Adaptive Cards of posted (POST) or updated (PUT) activities, in order. */
  cards(method?: 'POST' | 'PUT'): Record<string, unknown>[];
  /**
   * While set, answers each post of an activity whose JSON body contains `text` (any post when '') with
   * HTTP 500, recorded in `refused` rather than `calls`; `refuse(undefined)` stops.
   */
  refuse(text: string | undefined): void;
  refused: ConnectorCall[];
  close(): Promise<void>;
}

/** Starts the stand-in on a free loopback port. */
export async function startConnectorStandIn(): Promise<ConnectorStandIn> {
  const calls: ConnectorCall[] = [];
  const refused: ConnectorCall[] = [];
  let refusing: string | undefined;
  let n = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        // keep empty
      }
      res.setHeader('content-type', 'application/json');
      if (refusing !== undefined && req.method === 'POST' && /\/activities$/.test(req.url ?? '') && raw.includes(refusing)) {
        refused.push({ method: req.method, path: req.url ?? '', body });
        res.statusCode = 500;
        res.end(JSON.stringify({ error: { code: 'ServiceError', message: 'stand-in refused' } }));
        return;
      }
      calls.push({ method: req.method ?? '', path: req.url ?? '', body });
      const id = req.method === 'PUT' ? decodeURIComponent((req.url ?? '').split('/').pop() ?? '') : `msg-${++n}`;
      res.end(JSON.stringify({ id }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    refused,
    refuse(text) {
      refusing = text;
    },
    cards(method) {
      return calls
        .filter((c) => !method || c.method === method)
        .flatMap((c) => (c.body.attachments as { content: Record<string, unknown> }[] | undefined) ?? [])
        .map((a) => a.content);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
