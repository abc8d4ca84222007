import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Connection } from 'mongoose';
import { type AgentApplication, type CloudAdapter, type Request as AgentRequest, type TurnState } from '@microsoft/agents-hosting';
import { pingDatabase } from '../db/connect.js';
import type { Logger } from '../log/logger.js';
import { createSignRouter, redactSignUrl } from './sign/router.js';
import { createPolicyRouter } from './policy/router.js';
import type { SignDeps } from './sign/context.js';
import { createGooglePushRouter, type GooglePushDeps } from '../google/reports/push.js';
import { createDashboardRouter } from '../dashboard/router.js';
import type { DashboardDeps } from '../dashboard/context.js';
import type { LanternConfig } from '../config/load.js';
import { hostGuard } from './host-guard.js';

/** What the HTTP edge needs: it parses, verifies and hands over; the bot and domain code do the rest. */
export interface WebDeps {
  logger: Logger;
  config: LanternConfig;
  connection: Connection;
  adapter: CloudAdapter;
  agent: AgentApplication<TurnState>;
  /** Pupil and parent sign pages; absent in setups without a database of people (none today). */
  sign?: SignDeps;
  /** Google Reports API push notifications (B2): verified, then turned into a poll job. */
  googlePush?: GooglePushDeps;
  /** The DSL web dashboard (/dashboard): Entra sign-in, open cases, case pages; also a Teams tab. */
  dashboard?: DashboardDeps;
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

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'alive' });
  });
  app.get('/readyz', async (_req, res) => {
    const ok = await pingDatabase(deps.connection);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'database unreachable' });
  });

  // The adapter checks the Bot Framework / Entra JWT with its normalised auth settings: 401 without a valid token
  // when credentials are configured; anonymous only in demo / local mode.
  const authorize: RequestHandler = (req, res, next) => deps.adapter.authorizeRequest(req as unknown as AgentRequest, res, next);
  app.post('/api/messages', express.json({ limit: '1mb' }), authorize, async (req, res) => {
    if (!req.body || typeof req.body !== 'object' || typeof req.body.type !== 'string') {
      res.status(400).json({ error: 'The body must be a Bot Framework activity (a JSON object with a "type").', requestId: req.id });
      return;
    }
    await deps.adapter.process(req as unknown as AgentRequest, res, (turn) => deps.agent.run(turn));
  });

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
