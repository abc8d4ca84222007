import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Connection } from 'mongoose';
import { type AgentApplication, type CloudAdapter, type TurnState } from '@microsoft/agents-hosting';
import type { LanternConfig } from '../config/load.js';
import type { ChannelTokenVerifier } from '../teams/channel-token.js';
import { botEndpoint } from './bot-endpoint.js';
import { pingDatabase } from '../db/connect.js';
import type { DatabaseHealth } from '../db/health.js';
import type { Logger } from '../log/logger.js';
import { createSignRouter, redactSignUrl } from './sign/router.js';
import { createPolicyRouter } from './policy/router.js';
import type { SignDeps } from './sign/context.js';
import { createGooglePushRouter, type GooglePushDeps } from '../google/reports/push.js';
import { createDashboardRouter } from '../dashboard/router.js';
import type { DashboardDeps } from '../dashboard/context.js';
import { hostGuard } from './host-guard.js';

/** What the HTTP edge needs: it parses, verifies and hands over; the bot and domain code do the rest. */
export interface WebDeps {
  logger: Logger;
  config: LanternConfig;
  connection: Connection;
  adapter: CloudAdapter;
  agent: AgentApplication<TurnState>;
  /** Verifies Bot Framework channel tokens; null in demo / local mode (no Microsoft credentials). */
  channelTokens: ChannelTokenVerifier | null;
  /** Pupil and parent sign pages; absent in setups without a database of people (none today). */
  sign?: SignDeps;
  /** Google Reports API push notifications (B2): verified, then turned into a poll job. */
  googlePush?: GooglePushDeps;
  /** The DSL web dashboard (/dashboard): Entra sign-in, open cases, case pages; also a Teams tab. */
  dashboard?: DashboardDeps;
  /**
   * The embedded database this server supervises: /healthz fails once it has been down longer than `graceMs`,
   * so a container runtime restarts Lantern. Absent with MONGODB_URI, whose outages a restart would not mend.
   */
  databaseHealth?: { health: DatabaseHealth; graceMs: number };
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Turns body-parser failures and anything unexpected into JSON errors without stack traces. */
const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status === 500) req.log?.error({ err }, 'request failed');
  if (res.headersSent) return;
  const message =
    err?.type === 'entity.parse.failed'
      ? 'The request body is not valid JSON.'
      : err?.type === 'entity.too.large'
        ? 'The request body is too large.'
        : status === 500
          ? 'Lantern hit an unexpected error; it has been logged.'
          : 'The request was not understood.';
  res.status(status).json({ error: message, requestId: req.id });
};

/** Builds the Express 5 application: health probes and the Teams endpoint. */
export function createWebApp(deps: WebDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const id = requestId(req);
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactSignUrl(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(hostGuard(deps.config));

  app.get('/healthz', async (_req, res) => {
    const watched = deps.databaseHealth;
    if (watched) {
      watched.health.observe(await pingDatabase(deps.connection), Date.now());
      const downForMs = watched.health.downForMs(Date.now());
      if (downForMs > watched.graceMs) {
        res.status(503).json({ status: 'database down', downForSeconds: Math.round(downForMs / 1000) });
        return;
      }
    }
    res.json({ status: 'alive' });
  });
  app.get('/readyz', async (_req, res) => {
    const ok = await pingDatabase(deps.connection);
    deps.databaseHealth?.health.observe(ok, Date.now());
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'database unreachable' });
  });

  // Token first, then a capped body, then the activity's shape, channel, serviceUrl and tenant (bot-endpoint.ts).
  app.post('/api/messages', ...botEndpoint({ config: deps.config, logger: deps.logger, adapter: deps.adapter, agent: deps.agent, channelTokens: deps.channelTokens }));

  if (deps.sign) app.use(createSignRouter(deps.sign));
  // Full text of published policy versions, linked from the agreement cards (same deps as the sign pages).
  if (deps.sign) app.use(createPolicyRouter(deps.sign));
  if (deps.googlePush) app.use('/hooks/google', createGooglePushRouter(deps.googlePush));
  if (deps.dashboard) app.use(createDashboardRouter(deps.dashboard));

  app.use((_req, res) => {
    res.status(404).json({ error: 'Not found.' });
  });
  app.use(errorHandler);
  return app;
}
